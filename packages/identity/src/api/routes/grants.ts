// Role grants on projects, domains and the system, and OS-INHERIT grants that flow down
// to projects (keystone/api/projects.py, domains.py, system.py, os_inherit.py).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { NotFoundError, findOrNull } from '../../errors.ts';
import type { GrantActor, GrantTarget } from '../../assignment/assignment-manager.ts';
import type { PolicyTarget } from '../../policy.ts';
import type { ApiContext } from '../context.ts';
import { noContent } from './crud.ts';
import { selfPath } from './request.ts';

type ActorKind = GrantActor['kind'];
type TargetKind = GrantTarget['kind'];

interface GrantPlace {
  /** URL up to the actor segment, e.g. /v3/projects/:targetId or /v3/system. */
  base: string;
  target: TargetKind;
  actor: ActorKind;
  inherited: boolean;
  /** identity:<verb> action names for create, check, list and revoke. */
  actions: { create: string; check: string; list: string; revoke: string };
}

/** Path parameters of every grant route: the system has no targetId, lists no roleId. */
const grantParams = Type.Object({ targetId: Type.Optional(Type.String()), actorId: Type.String(), roleId: Type.Optional(Type.String()) });
type GrantParams = Static<typeof grantParams>;
type GrantRequest = FastifyRequest & { params: GrantParams };
const onGrant = { schema: { params: grantParams } };

export function grantNotFound(roleId: string, actorId: string, targetId: string): NotFoundError {
  return new NotFoundError(
    `Could not find role assignment with role: ${roleId}, user or group: ${actorId}, project, domain, or system: ${targetId}.`,
  );
}

const PROJECT_DOMAIN_ACTIONS = { create: 'create_grant', check: 'check_grant', list: 'list_grants', revoke: 'revoke_grant' };

function systemActions(actor: ActorKind) {
  return {
    create: `create_system_grant_for_${actor}`,
    check: `check_system_grant_for_${actor}`,
    list: `list_system_grants_for_${actor}`,
    revoke: `revoke_system_grant_for_${actor}`,
  };
}

/** Every place a grant can live, as Keystone routes them. */
function places(): GrantPlace[] {
  const out: GrantPlace[] = [];
  for (const actor of ['user', 'group'] as const) {
    out.push({ base: '/v3/projects/:targetId', target: 'project', actor, inherited: false, actions: PROJECT_DOMAIN_ACTIONS });
    out.push({ base: '/v3/domains/:targetId', target: 'domain', actor, inherited: false, actions: PROJECT_DOMAIN_ACTIONS });
    out.push({ base: '/v3/system', target: 'system', actor, inherited: false, actions: systemActions(actor) });
    out.push({ base: '/v3/OS-INHERIT/projects/:targetId', target: 'project', actor, inherited: true, actions: PROJECT_DOMAIN_ACTIONS });
    out.push({ base: '/v3/OS-INHERIT/domains/:targetId', target: 'domain', actor, inherited: true, actions: PROJECT_DOMAIN_ACTIONS });
  }
  return out;
}

export function grantRoutes(context: ApiContext) {
  const { assignment, identity, resource } = context.service;

  function resolve(place: GrantPlace, params: GrantParams): { actor: GrantActor; target: GrantTarget; targetLabel: string } {
    const actor: GrantActor = { kind: place.actor, id: params.actorId };
    const target: GrantTarget =
      place.target === 'system' ? { kind: 'system' } : { kind: place.target, id: params.targetId as string };
    return { actor, target, targetLabel: target.kind === 'system' ? 'system' : target.id };
  }

  /**
   * Domain admins and readers act on grants inside their domain only: the place's domain,
   * the actor's domain and a domain-specific role's domain all feed policy.
   */
  async function policyTarget(actor: GrantActor, target: GrantTarget, roleId: string | undefined): Promise<PolicyTarget> {
    const owner = await findOrNull<{ domainId: string }>(() => (actor.kind === 'user' ? identity.getUser(actor.id) : identity.getGroup(actor.id)));
    const role = roleId === undefined ? null : await findOrNull(() => assignment.getRole(roleId));
    const base: PolicyTarget = { actorDomainId: owner?.domainId ?? null, roleDomainId: role?.domainId ?? null };
    if (target.kind === 'domain') return { ...base, domainId: target.id };
    if (target.kind === 'project') {
      const project = await findOrNull(() => resource.getProject(target.id));
      return project === null ? base : { ...base, projectId: project.id, domainId: project.domainId };
    }
    return base;
  }

  async function authorized(request: GrantRequest, place: GrantPlace, action: string) {
    const { params } = request;
    const resolved = resolve(place, params);
    await context.caller(request);
    await context.authorize(request, action, await policyTarget(resolved.actor, resolved.target, params.roleId));
    return { ...resolved, roleId: params.roleId as string };
  }

  /** Role, actor and target must exist: each missing one is its own 404, in this order. */
  async function requireEntities(actor: GrantActor, target: GrantTarget, roleId: string | null): Promise<void> {
    if (roleId !== null) await assignment.getRole(roleId);
    if (actor.kind === 'user') await identity.getUser(actor.id);
    else await identity.getGroup(actor.id);
    if (target.kind === 'project') await resource.getProject(target.id);
    if (target.kind === 'domain') await resource.getDomain(target.id);
  }

  return async function grants(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    for (const place of places()) {
      const suffix = place.inherited ? '/inherited_to_projects' : '';
      const actorSegment = `${place.base}/${place.actor}s/:actorId/roles`;
      const member = `${actorSegment}/:roleId${suffix}`;

      // PUT {base}/{users|groups}/{actor_id}/roles/{role_id}[/inherited_to_projects]
      app.put(member, onGrant, async function createGrant(request, reply) {
        const { actor, target, roleId } = await authorized(request, place, place.actions.create);
        await assignment.grant(actor, target, roleId, place.inherited);
        noContent(reply);
      });

      // GET/HEAD {base}/{users|groups}/{actor_id}/roles/{role_id}[/inherited_to_projects]
      app.get(member, onGrant, async function checkGrant(request, reply) {
        const { actor, target, targetLabel, roleId } = await authorized(request, place, place.actions.check);
        await requireEntities(actor, target, roleId);
        if (!(await assignment.hasGrant(actor, target, roleId, place.inherited))) throw grantNotFound(roleId, actor.id, targetLabel);
        noContent(reply);
      });

      // DELETE {base}/{users|groups}/{actor_id}/roles/{role_id}[/inherited_to_projects]
      app.delete(member, onGrant, async function revokeGrant(request, reply) {
        const { actor, target, targetLabel, roleId } = await authorized(request, place, place.actions.revoke);
        await requireEntities(actor, target, roleId);
        if (!(await assignment.hasGrant(actor, target, roleId, place.inherited))) throw grantNotFound(roleId, actor.id, targetLabel);
        await assignment.revokeGrant(actor, target, roleId, place.inherited);
        noContent(reply);
      });

      // GET {base}/{users|groups}/{actor_id}/roles[/inherited_to_projects]
      app.get(`${actorSegment}${suffix}`, onGrant, async function listGrants(request) {
        const { actor, target } = await authorized(request, place, place.actions.list);
        await requireEntities(actor, target, null);
        const renderer = context.renderer(request);
        const roles = await assignment.listGrants(actor, target, place.inherited);
        return renderer.collection('roles', selfPath(request), roles.map((r) => renderer.role(r)));
      });
    }
  };
}
