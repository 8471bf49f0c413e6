// /v3/OS-TRUST/trusts (keystone/api/trusts.py): a trustor delegates roles on a project to a
// trustee. A trust that is gone, expired or used up is a 404 before any policy check, as in
// Keystone (lp#1840288).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { ForbiddenError, NotFoundError, findOrNull } from '../../errors.ts';
import type { Role, Trust } from '../../storage/types.ts';
import type { ValidatedToken } from '../../token/token-provider.ts';
import { isDelegatedMethod } from '../../token/delegation.ts';
import type { ApiContext } from '../context.ts';
import type { Renderer } from '../render.ts';
import { memberBody, validBody } from '../request-schema.ts';
import { parseExpiresAt } from './application-credentials.ts';
import { listQuery, noContent } from './crud.ts';
import { extraAttributes, selfPath, type Json } from './request.ts';
import { trustSchema } from './schemas.ts';

const BASE = '/v3/OS-TRUST/trusts';
const trustParams = Type.Object({ trustId: Type.String() });
const roleParams = Type.Object({ trustId: Type.String(), roleId: Type.String() });
const KNOWN = Object.keys(trustSchema.properties);
type RoleRef = NonNullable<Static<typeof trustSchema>['roles']>[number];

/** Keystone's isotime(subsecond=True), to the millisecond Baton parses expiries with. */
function subsecondTime(epochSeconds: number): string {
  return new Date(Math.round(epochSeconds * 1000)).toISOString().replace(/Z$/, '000Z');
}

export function trustRoutes(context: ApiContext) {
  const { trusts, assignment, identity } = context.service;
  const appCredentialsMayTrust = context.service.config.security_compliance.allow_insecure_application_credential_trust_escalation;

  /**
   * Keystone's _check_delegated_token: a token got with an application credential, EC2 or OAuth1
   * neither reads nor manages trusts (a trust-scoped one may: that is redelegation), unless
   * [security_compliance] allows application credentials to.
   */
  function refuseDelegated(caller: ValidatedToken): void {
    if (!isDelegatedMethod(caller)) return;
    if (appCredentialsMayTrust && caller.methods.includes('application_credential')) return;
    throw ForbiddenError.forAction('Delegated tokens cannot manage trusts.');
  }

  /** Keystone's trust dict; `roles` only for one trust, with its odd `roles_links` (no OS-TRUST/trusts in it). */
  async function render(renderer: Renderer, trust: Trust, withRoles: boolean): Promise<Json> {
    const out: Json = {
      ...trust.extra,
      id: trust.id,
      trustor_user_id: trust.trustorUserId,
      trustee_user_id: trust.trusteeUserId,
      project_id: trust.projectId,
      impersonation: trust.impersonation,
      expires_at: trust.expiresAt === null ? null : subsecondTime(trust.expiresAt),
      remaining_uses: trust.remainingUses,
      deleted_at: null,
      redelegated_trust_id: trust.redelegatedTrustId,
      redelegation_count: trust.redelegationCount,
    };
    if (withRoles) {
      out.roles = (await rolesOf(trust)).map((role) => renderer.role(role));
      out.roles_links = rolesLinks(renderer, trust);
    }
    out.links = renderer.link(`OS-TRUST/trusts/${trust.id}`);
    return out;
  }

  function rolesLinks(renderer: Renderer, trust: Trust): Json {
    return { self: `${renderer.base}/${trust.id}/roles`, next: null, previous: null };
  }

  /** The trust's roles that still exist. */
  async function rolesOf(trust: Trust): Promise<Role[]> {
    const found = await Promise.all(trust.roleIds.map((id) => findOrNull(() => assignment.getRole(id))));
    return found.filter((role): role is Role => role !== null);
  }

  /** Roles by id as given, by name as the one global role of that name. */
  async function roleIds(refs: RoleRef[]): Promise<string[]> {
    return Promise.all(refs.map(async (ref) => (typeof ref.id === 'string' ? ref.id : (await assignment.getRoleByName(ref.name ?? '', null)).id)));
  }

  /** 401 without a token, then 404 for an unusable trust, then policy on it. */
  async function authorized(request: FastifyRequest & { params: Static<typeof trustParams> }, action: string): Promise<Trust> {
    const caller = await context.caller(request);
    const trust = await trusts.get(request.params.trustId);
    await context.authorize(request, action, { trustorUserId: trust.trustorUserId, trusteeUserId: trust.trusteeUserId });
    refuseDelegated(caller);
    return trust;
  }

  return async function trustPlugin(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    // POST /v3/OS-TRUST/trusts
    const create = { body: memberBody('trust', trustSchema) };
    app.post(BASE, { schema: create, attachValidation: true }, async function createTrust(request, reply) {
      // Policy reads the body as sent, before it is validated (Keystone's lazy_validate).
      const sent = (request.body as { trust?: { trustor_user_id?: unknown } } | undefined)?.trust;
      const trustorUserId = typeof sent?.trustor_user_id === 'string' ? sent.trustor_user_id : null;
      const caller = await context.authorize(request, 'create_trust', { trustorUserId });
      const body = validBody(request).trust;
      refuseDelegated(caller);
      const projectId = body.project_id ?? null;
      const refs = body.roles ?? [];
      if (projectId !== null && refs.length === 0) throw ForbiddenError.forAction('At least one role should be specified');
      if (caller.user.id !== body.trustor_user_id) throw ForbiddenError.forAction('The authenticated user should match the trustor');
      await identity.getUser(body.trustee_user_id);
      const ids = await roleIds(refs);
      const expiresAt = typeof body.expires_at === 'string' ? parseExpiresAt(body.expires_at) : null;
      // A trust-scoped caller redelegates its trust.
      const redelegatedFrom = caller.trust === null ? null : await trusts.get(caller.trust.trust.id);
      const trust = await trusts.create(
        {
          trustorUserId: body.trustor_user_id,
          trusteeUserId: body.trustee_user_id,
          projectId,
          impersonation: body.impersonation,
          expiresAt,
          remainingUses: body.remaining_uses ?? null,
          allowRedelegation: body.allow_redelegation ?? false,
          redelegationCount: body.redelegation_count ?? null,
          roleIds: ids,
          extra: extraAttributes(body, KNOWN),
        },
        redelegatedFrom,
      );
      reply.code(201);
      return { trust: await render(context.renderer(request), trust, true) };
    });

    // GET/HEAD /v3/OS-TRUST/trusts
    app.route({
      method: 'GET',
      url: BASE,
      schema: { querystring: listQuery(['trustor_user_id', 'trustee_user_id']) },
      handler: async function listTrusts(request) {
        const { trustor_user_id: trustorUserId, trustee_user_id: trusteeUserId } = request.query;
        const caller = trustorUserId
          ? await context.authorize(request, 'list_trusts_for_trustor', { trustorUserId })
          : trusteeUserId
            ? await context.authorize(request, 'list_trusts_for_trustee', { trusteeUserId })
            : await context.authorize(request, 'list_trusts');
        refuseDelegated(caller);
        // Keystone lists everything without a query, and nothing for a query it does not know.
        const filtered = Object.keys(request.query).length > 0;
        const found = trustorUserId
          ? await trusts.list({ trustorUserId })
          : trusteeUserId
            ? await trusts.list({ trusteeUserId })
            : filtered
              ? []
              : await trusts.list();
        const renderer = context.renderer(request);
        const items = await Promise.all(found.map((t) => render(renderer, t, false)));
        return renderer.collection('trusts', selfPath(request), items);
      },
    });

    // GET/HEAD /v3/OS-TRUST/trusts/{trust_id}
    app.route({
      method: 'GET',
      url: `${BASE}/:trustId`,
      schema: { params: trustParams },
      handler: async function getTrust(request) {
        const trust = await authorized(request, 'get_trust');
        return { trust: await render(context.renderer(request), trust, true) };
      },
    });

    // DELETE /v3/OS-TRUST/trusts/{trust_id}
    app.delete(`${BASE}/:trustId`, { schema: { params: trustParams } }, async function deleteTrust(request, reply) {
      await trusts.delete((await authorized(request, 'delete_trust')).id);
      noContent(reply);
    });

    // GET/HEAD /v3/OS-TRUST/trusts/{trust_id}/roles
    app.route({
      method: 'GET',
      url: `${BASE}/:trustId/roles`,
      schema: { params: trustParams },
      handler: async function listTrustRoles(request) {
        const trust = await authorized(request, 'list_roles_for_trust');
        const renderer = context.renderer(request);
        return { roles: (await rolesOf(trust)).map((role) => renderer.role(role)), links: rolesLinks(renderer, trust) };
      },
    });

    // GET/HEAD /v3/OS-TRUST/trusts/{trust_id}/roles/{role_id}
    app.route({
      method: 'GET',
      url: `${BASE}/:trustId/roles/:roleId`,
      schema: { params: roleParams },
      handler: async function getTrustRole(request) {
        const trust = await authorized(request, 'get_role_for_trust');
        const { roleId } = request.params;
        if (!trust.roleIds.includes(roleId)) throw NotFoundError.entity('role', roleId);
        return { role: context.renderer(request).role(await assignment.getRole(roleId)) };
      },
    });
  };
}
