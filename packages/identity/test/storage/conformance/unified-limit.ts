import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Limit, RegisteredLimit, Service } from '../../../src/storage/index.ts';
import { type GetStorage, conflict, newDomain, newId, newProject, notFound } from './helpers.ts';

const service = (): Service => ({ id: newId(), type: `type-${newId()}`, name: 'nova', enabled: true, extra: {} });
const registered = (serviceId: string, overrides: Partial<RegisteredLimit> = {}): RegisteredLimit =>
  ({ id: newId(), serviceId, regionId: null, resourceName: 'cores', defaultLimit: 10, description: null, ...overrides });

export function unifiedLimitConformance(get: GetStorage): void {
  describe('UnifiedLimitDriver', () => {
    it('creates, filters, updates and deletes registered limits, refusing duplicates all or nothing', async () => {
      const svc = await get().catalog.createService(service());
      const region = await get().catalog.createRegion({ id: `region-${newId()}`, description: '', parentRegionId: null, extra: {} });
      const cores = registered(svc.id, { description: 'vCPUs' });
      const regional = registered(svc.id, { regionId: region.id });
      assert.deepEqual(await get().unifiedLimit.createRegisteredLimits([cores, regional]), [cores, regional]);
      assert.deepEqual(await get().unifiedLimit.listRegisteredLimits({ serviceId: svc.id, regionId: null }), [cores]);
      assert.deepEqual(await get().unifiedLimit.listRegisteredLimits({ serviceId: svc.id, regionId: region.id }), [regional]);
      const ram = registered(svc.id, { resourceName: 'ram' });
      await assert.rejects(get().unifiedLimit.createRegisteredLimits([ram, registered(svc.id)]), conflict(
        'Conflict occurred attempting to store registered_limit - Duplicate entry.',
      ));
      await assert.rejects(get().unifiedLimit.getRegisteredLimit(ram.id), notFound(`Could not find registered limit for ${ram.id}.`));
      await assert.rejects(get().unifiedLimit.updateRegisteredLimit(regional.id, { regionId: null }), { code: 'ERR_IDENTITY_CONFLICT' });
      assert.deepEqual(await get().unifiedLimit.updateRegisteredLimit(regional.id, { defaultLimit: -1 }), { ...regional, defaultLimit: -1 });
      await get().unifiedLimit.deleteRegisteredLimit(regional.id);
      assert.deepEqual(await get().unifiedLimit.listRegisteredLimits({ serviceId: svc.id }), [cores]);
    });

    it('attaches limits to their registered limit and guards it while they exist', async () => {
      const svc = await get().catalog.createService(service());
      const domain = await get().resource.createDomain(newDomain());
      const project = await get().resource.createProject(newProject(domain.id));
      const cores = (await get().unifiedLimit.createRegisteredLimits([registered(svc.id)]))[0] as RegisteredLimit;
      const own: Omit<Limit, 'registeredLimitId'> = {
        id: newId(), projectId: project.id, domainId: null, serviceId: svc.id, regionId: null, resourceName: 'cores', resourceLimit: 5, description: null,
      };
      const ofDomain = { ...own, id: newId(), projectId: null, domainId: domain.id, resourceLimit: 8 };
      assert.deepEqual(await get().unifiedLimit.createLimits([own, ofDomain]), [
        { ...own, registeredLimitId: cores.id },
        { ...ofDomain, registeredLimitId: cores.id },
      ]);
      await assert.rejects(get().unifiedLimit.createLimits([{ ...own, id: newId() }]), conflict('Conflict occurred attempting to store limit - Duplicate entry.'));
      await assert.rejects(get().unifiedLimit.createLimits([{ ...own, id: newId(), resourceName: 'disk' }]), {
        code: 'ERR_IDENTITY_FORBIDDEN',
        message: 'Unable to create a limit that has no corresponding registered limit.',
      });
      assert.deepEqual((await get().unifiedLimit.listLimits({ projectId: project.id })).map((l) => l.id), [own.id]);
      assert.deepEqual((await get().unifiedLimit.listLimits({ domainId: domain.id, resourceName: 'cores' })).map((l) => l.id), [ofDomain.id]);
      const referenced = `Unable to update or delete registered limit ${cores.id} because there are project limits associated with it.`;
      await assert.rejects(get().unifiedLimit.deleteRegisteredLimit(cores.id), { code: 'ERR_IDENTITY_FORBIDDEN', message: referenced });
      await assert.rejects(get().unifiedLimit.updateRegisteredLimit(cores.id, { defaultLimit: 1 }), { code: 'ERR_IDENTITY_FORBIDDEN', message: referenced });
      assert.equal((await get().unifiedLimit.updateLimit(own.id, { resourceLimit: 6, description: 'six' })).resourceLimit, 6);
      await get().unifiedLimit.deleteLimitsForProject(project.id);
      await assert.rejects(get().unifiedLimit.getLimit(own.id), notFound(`Could not find limit for ${own.id}.`));
      await get().unifiedLimit.deleteLimit(ofDomain.id);
      await get().unifiedLimit.deleteRegisteredLimit(cores.id);
    });
  });
}
