// The storage driver conformance suite: every interface in storage/types.ts, run against
// whatever backend `fixture.open()` connects to (each call opens the same database anew).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/storage/index.ts';
import { applicationCredentialConformance } from './conformance/application-credential.ts';
import { assignmentConformance } from './conformance/assignment.ts';
import { catalogConformance } from './conformance/catalog.ts';
import { identityConformance } from './conformance/identity.ts';
import { newDomain, newId } from './conformance/helpers.ts';
import { policyConformance } from './conformance/policy.ts';
import { resourceConformance } from './conformance/resource.ts';
import { revokeConformance } from './conformance/revoke.ts';
import { unifiedLimitConformance } from './conformance/unified-limit.ts';
import { federationConformance } from './conformance/federation.ts';
import { credentialConformance } from './conformance/credential.ts';
import { endpointFilterConformance } from './conformance/endpoint-filter.ts';
import { trustConformance } from './conformance/trust.ts';
import { domainConfigConformance } from './conformance/domain-config.ts';

export interface StorageFixture {
  /** Opens a new connection to the database under test (not yet migrated). */
  open(): Promise<Storage>;
}

export function storageConformance(name: string, fixture: StorageFixture): void {
  describe(`storage conformance (${name})`, () => {
    let storage: Storage | undefined;
    const get = (): Storage => {
      if (storage === undefined) throw new Error('storage is not open');
      return storage;
    };
    before(async () => {
      storage = await fixture.open();
      await storage.migrate();
    });
    after(async () => {
      await storage?.close();
    });

    describe('migrations and connections', () => {
      it('migrating an up-to-date database again changes nothing', async () => {
        const domain = await get().resource.createDomain(newDomain());
        await get().migrate();
        assert.deepEqual(await get().resource.getDomain(domain.id), domain);
      });

      it('a second connection migrates as a no-op and sees committed rows', async () => {
        const domain = await get().resource.createDomain(newDomain());
        const second = await fixture.open();
        try {
          await second.migrate();
          assert.equal(second.dialect, get().dialect);
          assert.deepEqual(await second.resource.getDomain(domain.id), domain);
          const other = await second.resource.createDomain(newDomain());
          assert.deepEqual(await get().resource.getDomain(other.id), other);
        } finally {
          await second.close();
        }
      });

      it('ids are compared exactly', async () => {
        const id = newId();
        await get().resource.createDomain(newDomain({ id }));
        await assert.rejects(get().resource.getDomain(id.toUpperCase()), { code: 'ERR_IDENTITY_NOT_FOUND' });
      });
    });

    resourceConformance(get);
    identityConformance(get);
    assignmentConformance(get);
    catalogConformance(get);
    applicationCredentialConformance(get);
    revokeConformance(get);
    unifiedLimitConformance(get);
    policyConformance(get);
    federationConformance(get);
    credentialConformance(get);
    endpointFilterConformance(get);
    trustConformance(get);
    domainConfigConformance(get);
  });
}
