// OS-FEDERATION (keystone/federation/backends/sql.py): identity providers with their remote
// ids, protocols, mappings and service providers.
import { fromDbBoolean } from '@baton/storage';
import type { Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { FederationProtocolTable, IdentityProviderTable, ServiceProviderTable } from '../schema.ts';
import type { FederationDriver, FederationProtocol, IdentityProvider, Mapping, ServiceProvider } from '../types.ts';
import { type DriverContext, conflict, definedPatch, storing } from './shared.ts';

/** Keystone's messages for missing federation entities (keystone/exception.py). */
export const federationNotFound = {
  identityProvider: (id: string) => new NotFoundError(`Could not find Identity Provider: ${id}.`),
  protocol: (idpId: string, id: string) => new NotFoundError(`Could not find federated protocol ${id} for Identity Provider: ${idpId}.`),
  mapping: (id: string) => NotFoundError.entity('mapping', id),
  serviceProvider: (id: string) => new NotFoundError(`Could not find Service Provider: ${id}.`),
};

function protocolFromRow(row: Selectable<FederationProtocolTable>): FederationProtocol {
  return { id: row.id, idpId: row.idp_id, mappingId: row.mapping_id, remoteIdAttribute: row.remote_id_attribute };
}

function serviceProviderFromRow(row: Selectable<ServiceProviderTable>): ServiceProvider {
  return {
    id: row.id,
    enabled: fromDbBoolean(row.enabled),
    description: row.description,
    authUrl: row.auth_url,
    spUrl: row.sp_url,
    relayStatePrefix: row.relay_state_prefix,
  };
}

export class SqlFederationDriver implements FederationDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async createIdentityProvider(idp: IdentityProvider): Promise<IdentityProvider> {
    await this.#storingIdp(idp.id, idp.remoteIds, () =>
      this.#ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('identity_provider')
          .values({ id: idp.id, domain_id: idp.domainId, enabled: idp.enabled, description: idp.description, authorization_ttl: idp.authorizationTtl })
          .execute();
        if (idp.remoteIds.length > 0) await trx.insertInto('idp_remote_ids').values(idp.remoteIds.map((remoteId) => ({ remote_id: remoteId, idp_id: idp.id }))).execute();
      }),
    );
    return this.getIdentityProvider(idp.id);
  }

  async getIdentityProvider(id: string): Promise<IdentityProvider> {
    const [found] = await this.listIdentityProviders({ id });
    if (found === undefined) throw federationNotFound.identityProvider(id);
    return found;
  }

  async listIdentityProviders(filter: { id?: string; enabled?: boolean; domainId?: string } = {}): Promise<IdentityProvider[]> {
    let query = this.#ctx.db.selectFrom('identity_provider').selectAll().orderBy('id');
    if (filter.id !== undefined) query = query.where('id', '=', filter.id);
    if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled);
    if (filter.domainId !== undefined) query = query.where('domain_id', '=', filter.domainId);
    const rows = await query.execute();
    if (rows.length === 0) return [];
    const remotes = await this.#ctx.db
      .selectFrom('idp_remote_ids')
      .selectAll()
      .where('idp_id', 'in', rows.map((row) => row.id))
      .orderBy('remote_id')
      .execute();
    return rows.map((row: Selectable<IdentityProviderTable>) => ({
      id: row.id,
      domainId: row.domain_id,
      enabled: fromDbBoolean(row.enabled),
      description: row.description,
      authorizationTtl: row.authorization_ttl,
      remoteIds: remotes.filter((remote) => remote.idp_id === row.id).map((remote) => remote.remote_id),
    }));
  }

  async updateIdentityProvider(id: string, patch: Partial<Omit<IdentityProvider, 'id' | 'domainId'>>): Promise<IdentityProvider> {
    const merged = { ...(await this.getIdentityProvider(id)), ...definedPatch(patch) };
    await this.#storingIdp(id, patch.remoteIds ?? [], () =>
      this.#ctx.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('identity_provider')
          .set({ enabled: merged.enabled, description: merged.description, authorization_ttl: merged.authorizationTtl })
          .where('id', '=', id)
          .execute();
        if (patch.remoteIds === undefined) return;
        await trx.deleteFrom('idp_remote_ids').where('idp_id', '=', id).execute();
        if (merged.remoteIds.length > 0) await trx.insertInto('idp_remote_ids').values(merged.remoteIds.map((remoteId) => ({ remote_id: remoteId, idp_id: id }))).execute();
      }),
    );
    return this.getIdentityProvider(id);
  }

  async deleteIdentityProvider(id: string): Promise<void> {
    await this.#ctx.db.transaction().execute(async (trx) => {
      // Explicitly, not by cascade: SQLite enforces foreign keys only when asked to.
      await trx.deleteFrom('federation_protocol').where('idp_id', '=', id).execute();
      await trx.deleteFrom('idp_remote_ids').where('idp_id', '=', id).execute();
      const result = await trx.deleteFrom('identity_provider').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw federationNotFound.identityProvider(id);
    });
  }

  /**
   * A unique violation is a taken provider id or a taken remote id; Keystone's message names
   * the value ("Duplicate remote ID: <remote id>" or "Duplicate entry: <id>").
   */
  async #storingIdp(id: string, remoteIds: readonly string[], write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!this.#ctx.dialect.isUniqueViolation(error)) throw error;
      const taken = remoteIds.length === 0
        ? undefined
        : await this.#ctx.db.selectFrom('idp_remote_ids').select('remote_id').where('remote_id', 'in', [...remoteIds]).where('idp_id', '!=', id).orderBy('remote_id').executeTakeFirst();
      throw conflict('identity_provider', taken === undefined ? `Duplicate entry: ${id}` : `Duplicate remote ID: ${taken.remote_id}`, error);
    }
  }

  async createProtocol(protocol: FederationProtocol): Promise<FederationProtocol> {
    await this.getIdentityProvider(protocol.idpId);
    await storing(this.#ctx, 'federation_protocol', () => `Duplicate entry found with ID ${protocol.id}`, () =>
      this.#ctx.db
        .insertInto('federation_protocol')
        .values({ id: protocol.id, idp_id: protocol.idpId, mapping_id: protocol.mappingId, remote_id_attribute: protocol.remoteIdAttribute })
        .execute(),
    );
    return this.getProtocol(protocol.idpId, protocol.id);
  }

  async getProtocol(idpId: string, id: string): Promise<FederationProtocol> {
    const row = await this.#ctx.db.selectFrom('federation_protocol').selectAll().where('idp_id', '=', idpId).where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw federationNotFound.protocol(idpId, id);
    return protocolFromRow(row);
  }

  async listProtocols(idpId: string): Promise<FederationProtocol[]> {
    return (await this.#ctx.db.selectFrom('federation_protocol').selectAll().where('idp_id', '=', idpId).orderBy('id').execute()).map(protocolFromRow);
  }

  async updateProtocol(idpId: string, id: string, patch: Partial<Pick<FederationProtocol, 'mappingId' | 'remoteIdAttribute'>>): Promise<FederationProtocol> {
    const merged = { ...(await this.getProtocol(idpId, id)), ...definedPatch(patch) };
    await this.#ctx.db
      .updateTable('federation_protocol')
      .set({ mapping_id: merged.mappingId, remote_id_attribute: merged.remoteIdAttribute })
      .where('idp_id', '=', idpId)
      .where('id', '=', id)
      .execute();
    return this.getProtocol(idpId, id);
  }

  async deleteProtocol(idpId: string, id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('federation_protocol').where('idp_id', '=', idpId).where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw federationNotFound.protocol(idpId, id);
  }

  async createMapping(mapping: Mapping): Promise<Mapping> {
    await storing(this.#ctx, 'mapping', () => `Duplicate entry found with ID ${mapping.id}`, () =>
      this.#ctx.db.insertInto('mapping').values({ id: mapping.id, rules: JSON.stringify(mapping.rules) }).execute(),
    );
    return this.getMapping(mapping.id);
  }

  async getMapping(id: string): Promise<Mapping> {
    const row = await this.#ctx.db.selectFrom('mapping').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw federationNotFound.mapping(id);
    return { id: row.id, rules: JSON.parse(row.rules) as unknown[] };
  }

  async listMappings(): Promise<Mapping[]> {
    const rows = await this.#ctx.db.selectFrom('mapping').selectAll().orderBy('id').execute();
    return rows.map((row) => ({ id: row.id, rules: JSON.parse(row.rules) as unknown[] }));
  }

  async updateMapping(id: string, rules: unknown[]): Promise<Mapping> {
    const result = await this.#ctx.db.updateTable('mapping').set({ rules: JSON.stringify(rules) }).where('id', '=', id).executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw federationNotFound.mapping(id);
    return this.getMapping(id);
  }

  async deleteMapping(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('mapping').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw federationNotFound.mapping(id);
  }

  async createServiceProvider(sp: ServiceProvider): Promise<ServiceProvider> {
    await storing(this.#ctx, 'service_provider', () => `Duplicate entry found with ID ${sp.id}`, () =>
      this.#ctx.db
        .insertInto('service_provider')
        .values({ id: sp.id, enabled: sp.enabled, description: sp.description, auth_url: sp.authUrl, sp_url: sp.spUrl, relay_state_prefix: sp.relayStatePrefix })
        .execute(),
    );
    return this.getServiceProvider(sp.id);
  }

  async getServiceProvider(id: string): Promise<ServiceProvider> {
    const row = await this.#ctx.db.selectFrom('service_provider').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw federationNotFound.serviceProvider(id);
    return serviceProviderFromRow(row);
  }

  async listServiceProviders(filter: { id?: string; enabled?: boolean } = {}): Promise<ServiceProvider[]> {
    let query = this.#ctx.db.selectFrom('service_provider').selectAll().orderBy('id');
    if (filter.id !== undefined) query = query.where('id', '=', filter.id);
    if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled);
    return (await query.execute()).map(serviceProviderFromRow);
  }

  async updateServiceProvider(id: string, patch: Partial<Omit<ServiceProvider, 'id'>>): Promise<ServiceProvider> {
    const merged = { ...(await this.getServiceProvider(id)), ...definedPatch(patch) };
    await this.#ctx.db
      .updateTable('service_provider')
      .set({ enabled: merged.enabled, description: merged.description, auth_url: merged.authUrl, sp_url: merged.spUrl, relay_state_prefix: merged.relayStatePrefix })
      .where('id', '=', id)
      .execute();
    return this.getServiceProvider(id);
  }

  async deleteServiceProvider(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('service_provider').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw federationNotFound.serviceProvider(id);
  }
}
