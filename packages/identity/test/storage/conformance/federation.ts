import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IdentityProvider, ServiceProvider } from '../../../src/storage/index.ts';
import { type GetStorage, newId, notFound } from './helpers.ts';

export function federationConformance(get: GetStorage): void {
  describe('FederationDriver', () => {
    it('keeps remote ids sorted and unique across identity providers, and deletes protocols with their provider', async () => {
      const [a, b] = [newId(), newId()];
      const idp: IdentityProvider = { id: newId(), domainId: 'default', enabled: true, description: null, authorizationTtl: null, remoteIds: [`${b}`, `${a}`] };
      assert.deepEqual(await get().federation.createIdentityProvider(idp), { ...idp, remoteIds: [a, b].sort() });
      const other = { ...idp, id: newId(), remoteIds: [b] };
      await assert.rejects(get().federation.createIdentityProvider(other), {
        code: 'ERR_IDENTITY_CONFLICT',
        message: `Conflict occurred attempting to store identity_provider - Duplicate remote ID: ${b}.`,
      });
      await assert.rejects(get().federation.getIdentityProvider(other.id), notFound(`Could not find Identity Provider: ${other.id}.`));
      const updated = await get().federation.updateIdentityProvider(idp.id, { remoteIds: [a], authorizationTtl: 3 });
      assert.deepEqual([updated.remoteIds, updated.authorizationTtl, updated.enabled], [[a], 3, true]);
      await get().federation.createIdentityProvider(other);
      assert.deepEqual((await get().federation.listIdentityProviders({ id: other.id, enabled: true })).map((i) => i.remoteIds), [[b]]);

      const mapping = { id: newId(), rules: [{ local: [], remote: [{ type: 'UID' }] }] };
      assert.deepEqual(await get().federation.createMapping(mapping), mapping);
      const protocol = { id: 'saml2', idpId: idp.id, mappingId: mapping.id, remoteIdAttribute: null };
      assert.deepEqual(await get().federation.createProtocol(protocol), protocol);
      await assert.rejects(get().federation.createProtocol(protocol), { code: 'ERR_IDENTITY_CONFLICT' });
      await get().federation.createProtocol({ ...protocol, idpId: other.id });
      assert.deepEqual(await get().federation.updateProtocol(idp.id, 'saml2', { remoteIdAttribute: 'x' }), { ...protocol, remoteIdAttribute: 'x' });
      await get().federation.deleteIdentityProvider(idp.id);
      await assert.rejects(get().federation.getProtocol(idp.id, 'saml2'), notFound(`Could not find federated protocol saml2 for Identity Provider: ${idp.id}.`));
      assert.equal((await get().federation.listProtocols(other.id)).length, 1);
      // The deleted provider's remote id is free again.
      await get().federation.updateIdentityProvider(other.id, { remoteIds: [a, b] });
      await get().federation.deleteIdentityProvider(other.id);
      await get().federation.deleteMapping(mapping.id);
      await assert.rejects(get().federation.getMapping(mapping.id), notFound(`Could not find mapping: ${mapping.id}.`));
    });

    it('filters service providers by enabled', async () => {
      const sp: ServiceProvider = { id: newId(), enabled: true, description: null, authUrl: 'https://a', spUrl: 'https://b', relayStatePrefix: 'ss:mem:' };
      assert.deepEqual(await get().federation.createServiceProvider(sp), sp);
      assert.ok((await get().federation.listServiceProviders({ enabled: true })).some((s) => s.id === sp.id));
      await get().federation.updateServiceProvider(sp.id, { enabled: false });
      assert.deepEqual(await get().federation.listServiceProviders({ id: sp.id, enabled: true }), []);
      await get().federation.deleteServiceProvider(sp.id);
      await assert.rejects(get().federation.deleteServiceProvider(sp.id), notFound(`Could not find Service Provider: ${sp.id}.`));
    });
  });
}
