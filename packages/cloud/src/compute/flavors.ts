// The built-in flavors (nova's old defaults): enough for `server create --flavor m1.tiny`.
import { NotFoundError } from '../common/errors.ts';

export interface Flavor {
  readonly id: string;
  readonly name: string;
  readonly vcpus: number;
  /** MiB. */
  readonly ram: number;
  /** GiB. */
  readonly disk: number;
}

export const FLAVORS: readonly Flavor[] = Object.freeze([
  { id: '1', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 },
  { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
  { id: '3', name: 'm1.medium', vcpus: 2, ram: 4096, disk: 40 },
  { id: '4', name: 'm1.large', vcpus: 4, ram: 8192, disk: 80 },
]);

/** By id, as nova looks a flavorRef up (clients resolve names to ids through the list first). */
export function findFlavor(id: string): Flavor {
  const flavor = FLAVORS.find((f) => f.id === id);
  if (flavor === undefined) throw NotFoundError.entity('Flavor', id);
  return flavor;
}

export function renderFlavor(flavor: Flavor, base: string, detail: boolean): Record<string, unknown> {
  const links = [{ rel: 'self', href: `${base}/v2.1/flavors/${flavor.id}` }, { rel: 'bookmark', href: `${base}/flavors/${flavor.id}` }];
  if (!detail) return { id: flavor.id, name: flavor.name, links, description: null };
  return {
    id: flavor.id,
    name: flavor.name,
    vcpus: flavor.vcpus,
    ram: flavor.ram,
    disk: flavor.disk,
    'OS-FLV-EXT-DATA:ephemeral': 0,
    'OS-FLV-DISABLED:disabled': false,
    swap: 0,
    rxtx_factor: 1.0,
    'os-flavor-access:is_public': true,
    description: null,
    extra_specs: {},
    links,
  };
}
