// OS-ENDPOINT-POLICY (keystone/endpoint_policy/core.py): which policy document applies to
// an endpoint, directly, through its service in its region (or a parent region), or
// through its service alone.
import type { CatalogManager } from '../catalog/catalog-manager.ts';
import type { PolicyBlobManager } from '../policy-blob/policy-blob-manager.ts';
import type { Endpoint, EndpointPolicyDriver, PolicyAssociation, PolicyAssociationPlace, PolicyBlob, Region } from '../storage/types.ts';
import { NotFoundError } from '../errors.ts';

/** Where a policy is associated: an endpoint, a service, or a service in a region. */
export type PolicyPlace = { endpointId: string } | { serviceId: string; regionId?: string };

function placeOf(place: PolicyPlace): PolicyAssociationPlace {
  if ('endpointId' in place) return { endpointId: place.endpointId, serviceId: null, regionId: null };
  return { endpointId: null, serviceId: place.serviceId, regionId: place.regionId ?? null };
}

/** The regions from `regionId` up to its root, stopping at a cycle. */
function regionChain(regionId: string | null, regions: ReadonlyMap<string, Region>): string[] {
  const chain: string[] = [];
  for (let id = regionId; id !== null && !chain.includes(id); id = regions.get(id)?.parentRegionId ?? null) chain.push(id);
  return chain;
}

export class EndpointPolicyManager {
  readonly #driver: EndpointPolicyDriver;
  readonly #catalog: CatalogManager;
  readonly #policies: PolicyBlobManager;

  constructor(driver: EndpointPolicyDriver, deps: { catalog: CatalogManager; policies: PolicyBlobManager }) {
    this.#driver = driver;
    this.#catalog = deps.catalog;
    this.#policies = deps.policies;
  }

  /** Replaces any policy associated with the same place, as Keystone does. */
  async associate(policyId: string, place: PolicyPlace): Promise<void> {
    await this.#assertExists(policyId, place);
    await this.#driver.setPolicyAssociation({ policyId, ...placeOf(place) });
  }

  async check(policyId: string, place: PolicyPlace): Promise<void> {
    await this.#assertExists(policyId, place);
    if (!(await this.#driver.isPolicyAssociated({ policyId, ...placeOf(place) }))) {
      throw new NotFoundError('Could not find policy association.');
    }
  }

  /** Removing an association that does not exist succeeds, as in Keystone. */
  async dissociate(policyId: string, place: PolicyPlace): Promise<void> {
    await this.#assertExists(policyId, place);
    await this.#driver.deletePolicyAssociation({ policyId, ...placeOf(place) });
  }

  /** Every endpoint the policy applies to, in association order (one endpoint may repeat, as in Keystone). */
  async listEndpointsForPolicy(policyId: string): Promise<Endpoint[]> {
    await this.#policies.get(policyId);
    const [associations, endpoints, regions] = await Promise.all([
      this.#driver.listPolicyAssociations(policyId),
      this.#catalog.listEndpoints(),
      this.#catalog.listRegions(),
    ]);
    const byId = new Map(regions.map((r) => [r.id, r]));
    return associations.flatMap((a: PolicyAssociation) => {
      if (a.endpointId !== null) return endpoints.filter((e) => e.id === a.endpointId);
      if (a.regionId === null) return endpoints.filter((e) => e.serviceId === a.serviceId);
      return endpoints.filter((e) => e.serviceId === a.serviceId && e.regionId !== null && regionChain(e.regionId, byId).includes(a.regionId ?? ''));
    });
  }

  /** The endpoint's own policy, else its service's in its region or the nearest parent region, else its service's. */
  async policyForEndpoint(endpointId: string): Promise<PolicyBlob> {
    const endpoint = await this.#catalog.getEndpoint(endpointId);
    const direct = await this.#driver.getPolicyIdFor({ endpointId, serviceId: null, regionId: null });
    if (direct !== null) return this.#policies.get(direct);
    if (endpoint.regionId !== null) {
      const regions = new Map((await this.#catalog.listRegions()).map((r) => [r.id, r]));
      for (const regionId of regionChain(endpoint.regionId, regions)) {
        const inRegion = await this.#driver.getPolicyIdFor({ endpointId: null, serviceId: endpoint.serviceId, regionId });
        if (inRegion !== null) return this.#policies.get(inRegion);
      }
    }
    const forService = await this.#driver.getPolicyIdFor({ endpointId: null, serviceId: endpoint.serviceId, regionId: null });
    if (forService !== null) return this.#policies.get(forService);
    throw new NotFoundError(`No policy is associated with endpoint ${endpointId}.`);
  }

  /** 404 for a missing policy, endpoint, service or region, in Keystone's order. */
  async #assertExists(policyId: string, place: PolicyPlace): Promise<void> {
    await this.#policies.get(policyId);
    if ('endpointId' in place) {
      await this.#catalog.getEndpoint(place.endpointId);
      return;
    }
    await this.#catalog.getService(place.serviceId);
    if (place.regionId !== undefined) await this.#catalog.getRegion(place.regionId);
  }
}
