import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint, Region, Service } from '../../../src/storage/index.ts';
import { type GetStorage, conflict, newId, notFound } from './helpers.ts';

const region = (overrides: Partial<Region> = {}): Region =>
  ({ id: `region-${newId()}`, description: '', parentRegionId: null, extra: {}, ...overrides });
const service = (overrides: Partial<Service> = {}): Service =>
  ({ id: newId(), type: `type-${newId()}`, name: 'nova', enabled: true, extra: {}, ...overrides });
const endpoint = (serviceId: string, overrides: Partial<Endpoint> = {}): Endpoint =>
  ({ id: newId(), serviceId, interface: 'public', url: 'http://127.0.0.1:8774/v2.1', regionId: null, enabled: true, extra: {}, ...overrides });

export function catalogConformance(get: GetStorage): void {
  describe('CatalogDriver: regions', () => {
    it('creates, reads, lists children of, and updates regions', async () => {
      const parent = region({ description: 'top', extra: { x: 1 } });
      assert.deepEqual(await get().catalog.createRegion(parent), parent);
      const child = await get().catalog.createRegion(region({ parentRegionId: parent.id }));
      assert.deepEqual(await get().catalog.getRegion(child.id), child);
      assert.deepEqual(await get().catalog.listRegions({ parentRegionId: parent.id }), [child]);
      assert.ok((await get().catalog.listRegions()).some((r) => r.id === parent.id));
      const updated = await get().catalog.updateRegion(child.id, { description: 'moved', parentRegionId: null });
      assert.deepEqual(updated, { ...child, description: 'moved', parentRegionId: null });
      assert.deepEqual(await get().catalog.listRegions({ parentRegionId: parent.id }), []);
    });

    it('refuses an unknown parent and a duplicate id', async () => {
      const missing = `region-${newId()}`;
      await assert.rejects(get().catalog.createRegion(region({ parentRegionId: missing })), notFound(`Could not find region: ${missing}.`));
      const existing = await get().catalog.createRegion(region());
      await assert.rejects(get().catalog.createRegion(region({ id: existing.id })), conflict(
        `Conflict occurred attempting to store region - Duplicate entry found with ID ${existing.id}.`,
      ));
    });

    it('deletes a region with its descendants, unless one has endpoints', async () => {
      const root = await get().catalog.createRegion(region());
      const child = await get().catalog.createRegion(region({ parentRegionId: root.id }));
      const grandchild = await get().catalog.createRegion(region({ parentRegionId: child.id }));
      const svc = await get().catalog.createService(service());
      const ep = await get().catalog.createEndpoint(endpoint(svc.id, { regionId: grandchild.id }));
      await assert.rejects(get().catalog.deleteRegion(root.id), {
        code: 'ERR_IDENTITY_FORBIDDEN',
        message: `Unable to delete region ${root.id} because it or its child regions have associated endpoints.`,
      });
      assert.deepEqual(await get().catalog.getRegion(grandchild.id), grandchild);
      await get().catalog.deleteEndpoint(ep.id);
      await get().catalog.deleteRegion(root.id);
      for (const id of [root.id, child.id, grandchild.id]) {
        await assert.rejects(get().catalog.getRegion(id), notFound(`Could not find region: ${id}.`));
      }
      await assert.rejects(get().catalog.deleteRegion(root.id), notFound(`Could not find region: ${root.id}.`));
    });
  });

  describe('CatalogDriver: services and endpoints', () => {
    it('creates, lists by type and name, updates and reports missing services', async () => {
      const svc = service({ extra: { note: 'x' } });
      assert.deepEqual(await get().catalog.createService(svc), svc);
      assert.deepEqual(await get().catalog.listServices({ type: svc.type }), [svc]);
      assert.deepEqual(await get().catalog.listServices({ type: svc.type, name: 'other' }), []);
      const updated = await get().catalog.updateService(svc.id, { enabled: false, name: 'cinder' });
      assert.deepEqual(updated, { ...svc, enabled: false, name: 'cinder' });
      assert.deepEqual(await get().catalog.listServices({ type: svc.type, name: 'cinder' }), [updated]);
      const missing = newId();
      await assert.rejects(get().catalog.getService(missing), notFound(`Could not find service: ${missing}.`));
      await assert.rejects(get().catalog.updateService(missing, { name: 'x' }), notFound(`Could not find service: ${missing}.`));
    });

    it('creates, filters, updates and deletes endpoints', async () => {
      const svc = await get().catalog.createService(service());
      const reg = await get().catalog.createRegion(region());
      const pub = await get().catalog.createEndpoint(endpoint(svc.id, { regionId: reg.id, extra: { legacy: 'y' } }));
      const internal = await get().catalog.createEndpoint(endpoint(svc.id, { interface: 'internal', enabled: false }));
      assert.deepEqual(await get().catalog.getEndpoint(pub.id), pub);
      assert.deepEqual(await get().catalog.listEndpoints({ serviceId: svc.id }), [internal, pub]);
      assert.deepEqual(await get().catalog.listEndpoints({ serviceId: svc.id, interface: 'internal' }), [internal]);
      assert.deepEqual(await get().catalog.listEndpoints({ regionId: reg.id }), [pub]);
      const updated = await get().catalog.updateEndpoint(internal.id, { url: 'http://10.0.0.1/', enabled: true });
      assert.deepEqual(updated, { ...internal, url: 'http://10.0.0.1/', enabled: true });
      await get().catalog.deleteEndpoint(pub.id);
      await assert.rejects(get().catalog.getEndpoint(pub.id), notFound(`Could not find endpoint: ${pub.id}.`));
      await assert.rejects(get().catalog.deleteEndpoint(pub.id), notFound(`Could not find endpoint: ${pub.id}.`));
    });

    it('deleting a service deletes its endpoints', async () => {
      const svc = await get().catalog.createService(service());
      const ep = await get().catalog.createEndpoint(endpoint(svc.id));
      await get().catalog.deleteService(svc.id);
      await assert.rejects(get().catalog.getEndpoint(ep.id), notFound(`Could not find endpoint: ${ep.id}.`));
      await assert.rejects(get().catalog.deleteService(svc.id), notFound(`Could not find service: ${svc.id}.`));
    });
  });
}
