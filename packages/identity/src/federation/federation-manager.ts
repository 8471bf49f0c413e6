// OS-FEDERATION (keystone/federation/core.py): identity providers, each with the domain its
// users land in; protocols naming an existing mapping; mappings; service providers and the
// enabled ones every token lists. Federated authentication itself is not implemented.
import { ValidationError, findOrNull } from '../errors.ts';
import { newId } from '../ids.ts';
import type { CacheRegion } from '../cache.ts';
import type { ResourceManager } from '../resource/resource-manager.ts';
import type { FederationDriver, FederationProtocol, IdentityProvider, Mapping, ServiceProvider } from '../storage/types.ts';

/** A service provider as a token's service_providers lists it. */
export interface ServiceProviderRef {
  auth_url: string;
  id: string;
  sp_url: string;
}

export type IdentityProviderInput = Omit<IdentityProvider, 'id' | 'domainId'> & { domainId: string | null };

export class FederationManager {
  readonly #driver: FederationDriver;
  readonly #resource: ResourceManager;
  /** The enabled service providers, cached under [federation] caching as Keystone memoises them. */
  readonly #enabled: CacheRegion<ServiceProviderRef[]>;

  constructor(driver: FederationDriver, resource: ResourceManager, enabled: CacheRegion<ServiceProviderRef[]>) {
    this.#driver = driver;
    this.#resource = resource;
    this.#enabled = enabled;
  }

  /** Without a domain, Keystone creates one for the provider's users (and removes it again on a conflict). */
  async createIdentityProvider(id: string, input: IdentityProviderInput): Promise<IdentityProvider> {
    if (input.domainId !== null) {
      await this.#resource.getDomain(input.domainId);
      return this.#driver.createIdentityProvider({ ...input, id, domainId: input.domainId });
    }
    const domainId = newId();
    await this.#resource.createDomain({ id: domainId, name: domainId, description: `Auto generated federated domain for Identity Provider: ${id}` });
    try {
      return await this.#driver.createIdentityProvider({ ...input, id, domainId });
    } catch (error) {
      await this.#resource.updateDomain(domainId, { enabled: false });
      await this.#resource.deleteDomain(domainId);
      throw error;
    }
  }

  getIdentityProvider(id: string): Promise<IdentityProvider> {
    return this.#driver.getIdentityProvider(id);
  }

  listIdentityProviders(filter: { id?: string; enabled?: boolean }): Promise<IdentityProvider[]> {
    return this.#driver.listIdentityProviders(filter);
  }

  updateIdentityProvider(id: string, patch: Partial<Omit<IdentityProvider, 'id' | 'domainId'>>): Promise<IdentityProvider> {
    return this.#driver.updateIdentityProvider(id, patch);
  }

  deleteIdentityProvider(id: string): Promise<void> {
    return this.#driver.deleteIdentityProvider(id);
  }

  /** Keystone's clean-up when a domain goes: its identity providers go too. */
  async deleteIdentityProvidersOfDomain(domainId: string): Promise<void> {
    for (const idp of await this.#driver.listIdentityProviders({ domainId })) {
      await findOrNull(() => this.#driver.deleteIdentityProvider(idp.id));
    }
  }

  async createProtocol(protocol: FederationProtocol): Promise<FederationProtocol> {
    await this.#requireMapping(protocol.mappingId);
    return this.#driver.createProtocol(protocol);
  }

  getProtocol(idpId: string, id: string): Promise<FederationProtocol> {
    return this.#driver.getProtocol(idpId, id);
  }

  listProtocols(idpId: string): Promise<FederationProtocol[]> {
    return this.#driver.listProtocols(idpId);
  }

  async updateProtocol(idpId: string, id: string, patch: Partial<Pick<FederationProtocol, 'mappingId' | 'remoteIdAttribute'>>): Promise<FederationProtocol> {
    // Keystone answers 500 when the update names no mapping (a KeyError); Baton keeps the old one.
    if (patch.mappingId !== undefined) await this.#requireMapping(patch.mappingId);
    return this.#driver.updateProtocol(idpId, id, patch);
  }

  deleteProtocol(idpId: string, id: string): Promise<void> {
    return this.#driver.deleteProtocol(idpId, id);
  }

  async #requireMapping(mappingId: string): Promise<void> {
    if ((await findOrNull(() => this.#driver.getMapping(mappingId))) === null) throw new ValidationError(`Invalid mapping id: ${mappingId}`);
  }

  createMapping(mapping: Mapping): Promise<Mapping> {
    return this.#driver.createMapping(mapping);
  }

  getMapping(id: string): Promise<Mapping> {
    return this.#driver.getMapping(id);
  }

  listMappings(): Promise<Mapping[]> {
    return this.#driver.listMappings();
  }

  updateMapping(id: string, rules: unknown[]): Promise<Mapping> {
    return this.#driver.updateMapping(id, rules);
  }

  deleteMapping(id: string): Promise<void> {
    return this.#driver.deleteMapping(id);
  }

  createServiceProvider(sp: ServiceProvider): Promise<ServiceProvider> {
    return this.#driver.createServiceProvider(sp);
  }

  getServiceProvider(id: string): Promise<ServiceProvider> {
    return this.#driver.getServiceProvider(id);
  }

  listServiceProviders(filter: { id?: string; enabled?: boolean }): Promise<ServiceProvider[]> {
    return this.#driver.listServiceProviders(filter);
  }

  updateServiceProvider(id: string, patch: Partial<Omit<ServiceProvider, 'id'>>): Promise<ServiceProvider> {
    return this.#driver.updateServiceProvider(id, patch);
  }

  deleteServiceProvider(id: string): Promise<void> {
    return this.#driver.deleteServiceProvider(id);
  }

  /** The enabled service providers as tokens list them (every write invalidates the cache). */
  enabledServiceProviders(): Promise<ServiceProviderRef[]> {
    return this.#enabled.get('enabled', async () =>
      (await this.#driver.listServiceProviders({ enabled: true })).map((sp) => ({ auth_url: sp.authUrl, id: sp.id, sp_url: sp.spUrl })),
    );
  }
}
