// The create/list/get/update/delete pattern every Identity API entity shares
// (keystone/server/flask/common.py ResourceBase): policy first, then the body schema,
// then the manager, then {"<member>": …} or {"<collection>": […], "links": …}.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static, type TObject } from 'typebox';
import { findOrNull } from '../../errors.ts';
import type { PolicyTarget } from '../../policy.ts';
import type { ValidatedToken } from '../../token/token-provider.ts';
import type { ApiContext } from '../context.ts';
import type { Renderer } from '../render.ts';
import { memberBody, validBody } from '../request-schema.ts';
import { requireMatchingId, selfPath, type Json } from './request.ts';

/** Path parameters of /v3/<collection>/{id}. */
export const idParams = Type.Object({ id: Type.String() });

/** A list's query filters: strings, each optional; others are ignored, as in Keystone. */
export function listQuery<const N extends readonly string[]>(names: N): TObject<{ [P in N[number]]: ReturnType<typeof optionalString> }> {
  return Type.Object(Object.fromEntries(names.map((name) => [name, optionalString()])) as { [P in N[number]]: ReturnType<typeof optionalString> });
}
const optionalString = () => Type.Optional(Type.String());

export interface CrudSpec<T, C extends TObject, U extends TObject, Q extends TObject> {
  /** The body's member key and the policy noun: 'project' → identity:create_project. */
  member: string;
  /** The URL segment and collection key: 'projects' → identity:list_projects. */
  collection: string;
  /** An extension's path before the collection, e.g. 'OS-EP-FILTER/'. */
  prefix?: string;
  createSchema: C;
  updateSchema: U;
  /** The list's query string (filters). */
  listQuery: Q;
  render(renderer: Renderer, entity: T): Json;
  /** The PATCH answer, when it differs from `render`. */
  renderUpdated?(renderer: Renderer, entity: T): Json;
  /** Policy target of an existing entity (owner, domain, project checks). */
  target(entity: T): PolicyTarget;
  /**
   * The domain a new entity would land in, read from the raw body before it is validated
   * (policy comes first, as in Keystone). Entities that live in a domain (users, groups,
   * projects) also have their lists narrowed to a domain-scoped caller's domain. Null for
   * an entity in no domain (a project acting as a domain).
   */
  domainOf?(member: unknown, caller: ValidatedToken): string | null;
  get(id: string): Promise<T>;
  list(query: Static<Q>, caller: ValidatedToken): Promise<T[]>;
  create(member: Static<C>, caller: ValidatedToken): Promise<T>;
  /** Checks of a PATCH body beyond its schema that Keystone makes before it looks the entity up. */
  checkUpdate?(member: Static<U>): void;
  update(id: string, member: Static<U>): Promise<T>;
  remove(id: string): Promise<void>;
}

/**
 * Authenticates (401), then checks policy against the entity when it exists (403), and
 * only then reports a missing one (404), so existence never leaks to the unauthorised.
 */
export async function authorizeOn<T>(
  context: ApiContext,
  request: FastifyRequest,
  action: string,
  lookup: () => Promise<T>,
  target: (entity: T) => PolicyTarget,
): Promise<{ caller: ValidatedToken; entity: T }> {
  await context.caller(request);
  const entity = await findOrNull(lookup);
  const caller = await context.authorize(request, action, entity === null ? {} : target(entity));
  return { caller, entity: entity ?? (await lookup()) };
}

export function noContent(reply: FastifyReply): void {
  reply.code(204).send();
}

export function registerCrud<T, C extends TObject, U extends TObject, Q extends TObject>(
  instance: FastifyInstance,
  context: ApiContext,
  spec: CrudSpec<T, C, U, Q>,
): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { member, collection } = spec;
  const base = `/v3/${spec.prefix ?? ''}${collection}`;
  // Policy comes before the body's schema (401, 403, then 400, as in Keystone).
  const createSchema = { body: memberBody(member, spec.createSchema) };
  const updateSchema = { params: idParams, body: memberBody(member, spec.updateSchema) };

  app.post(base, { schema: createSchema, attachValidation: true }, async function createEntity(request, reply) {
    const caller = await context.caller(request);
    // Unvalidated yet: domainOf reads it leniently.
    const raw: unknown = (request.body as Record<string, unknown> | null | undefined)?.[member];
    await context.authorize(request, `create_${member}`, spec.domainOf === undefined ? {} : { domainId: spec.domainOf(raw, caller) });
    const body = (validBody(request) as Record<string, unknown>)[member] as Static<C>;
    const entity = await spec.create(body, caller);
    reply.code(201);
    return { [member]: spec.render(context.renderer(request), entity) };
  });

  app.get(base, { schema: { querystring: spec.listQuery } }, async function listEntities(request) {
    const query = request.query as Static<Q>;
    const caller = await context.caller(request);
    // Keystone's target for a list is the caller's domain, and it shows nothing outside it.
    const callerDomain = caller.scope.kind === 'domain' ? caller.scope.domain.id : null;
    await context.authorize(request, `list_${collection}`, { domainId: callerDomain });
    const renderer = context.renderer(request);
    let items = await spec.list(query, caller);
    if (callerDomain !== null && spec.domainOf !== undefined) items = items.filter((e) => spec.target(e).domainId === callerDomain);
    return renderer.collection(collection, selfPath(request), items.map((e) => spec.render(renderer, e)));
  });

  const one = `${base}/:id`;

  app.get(one, { schema: { params: idParams } }, async function getEntity(request) {
    const { id } = request.params;
    const { entity } = await authorizeOn(context, request, `get_${member}`, () => spec.get(id), spec.target);
    return { [member]: spec.render(context.renderer(request), entity) };
  });

  app.patch(one, { schema: updateSchema, attachValidation: true }, async function updateEntity(request) {
    const { id } = request.params;
    await context.caller(request);
    const existing = await findOrNull(() => spec.get(id));
    await context.authorize(request, `update_${member}`, existing === null ? {} : spec.target(existing));
    // Keystone validates the body before it finds out the entity is missing.
    const body = (validBody(request) as Record<string, unknown>)[member] as Static<U>;
    spec.checkUpdate?.(body);
    requireMatchingId(body as Json, id);
    if (existing === null) await spec.get(id);
    const updated = await spec.update(id, body);
    return { [member]: (spec.renderUpdated ?? spec.render)(context.renderer(request), updated) };
  });

  app.delete(one, { schema: { params: idParams } }, async function deleteEntity(request, reply) {
    const { id } = request.params;
    await authorizeOn(context, request, `delete_${member}`, () => spec.get(id), spec.target);
    await spec.remove(id);
    noContent(reply);
  });
}
