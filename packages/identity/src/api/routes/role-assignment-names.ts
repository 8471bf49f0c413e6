// include_names for GET /v3/role_assignments: the names Keystone adds next to each id
// (assignment/core.py _get_names_from_role_assignments), looked up once per request.
import { NotFoundError } from '../../errors.ts';
import type { IdentityService } from '../../service.ts';
import type { Json } from './request.ts';

export interface NameLookup {
  user(id: string): Promise<Json>;
  group(id: string): Promise<Json>;
  project(id: string): Promise<Json>;
  domain(id: string): Promise<Json>;
  role(id: string): Promise<Json>;
}

function memo<T>(load: (id: string) => Promise<T>): (id: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (id) => {
    let hit = cache.get(id);
    if (hit === undefined) {
      hit = load(id);
      cache.set(id, hit);
    }
    return hit;
  };
}

export function assignmentNames(service: IdentityService): NameLookup {
  const domain = memo(async (id: string): Promise<Json> => ({ id, name: (await service.resource.getDomain(id)).name }));

  /** A user or group that vanished still lists, with empty names, as in Keystone. */
  const actor = (get: (id: string) => Promise<{ name: string; domainId: string }>) =>
    memo(async (id: string): Promise<Json> => {
      try {
        const found = await get(id);
        return { id, name: found.name, domain: await domain(found.domainId) };
      } catch (error) {
        if (error instanceof NotFoundError) return { id, name: '', domain: { id: '', name: '' } };
        throw error;
      }
    });

  return {
    domain,
    user: actor((id) => service.identity.getUser(id)),
    group: actor((id) => service.identity.getGroup(id)),
    project: memo(async (id) => {
      const project = await service.resource.getProject(id);
      return { id, name: project.name, domain: await domain(project.domainId) };
    }),
    role: memo(async (id) => {
      const role = await service.assignment.getRole(id);
      return role.domainId === null ? { id, name: role.name } : { id, name: role.name, domain: await domain(role.domainId) };
    }),
  };
}
