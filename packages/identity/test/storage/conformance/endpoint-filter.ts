import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint, EndpointGroup, PolicyAssociation } from '../../../src/storage/index.ts';
import { type GetStorage, conflict, newDomain, newId, newProject, notFound } from './helpers.ts';

/** A service with one endpoint in a new region, and a project to associate with. */
async function fixture(get: GetStorage): Promise<{ serviceId: string; regionId: string; endpoint: Endpoint; projectId: string }> {
  const serviceId = (await get().catalog.createService({ id: newId(), type: `t-${newId()}`, name: '', enabled: true, extra: {} })).id;
  const regionId = (await get().catalog.createRegion({ id: `r-${newId()}`, description: '', parentRegionId: null, extra: {} })).id;
  const endpoint = await get().catalog.createEndpoint({ id: newId(), serviceId, interface: 'public', url: 'http://x', regionId, enabled: true, extra: {} });
  const domain = await get().resource.createDomain(newDomain());
  const projectId = (await get().resource.createProject(newProject(domain.id))).id;
  return { serviceId, regionId, endpoint, projectId };
}

export function endpointFilterConformance(get: GetStorage): void {
  describe('EndpointFilterDriver', () => {
    it('associates endpoints with projects once, lists both ways and removes them', async () => {
      const { endpoint, projectId } = await fixture(get);
      const driver = get().endpointFilter;
      await driver.addEndpointToProject(endpoint.id, projectId);
      await assert.rejects(driver.addEndpointToProject(endpoint.id, projectId), conflict(
        'Conflict occurred attempting to store project_endpoint - Duplicate entry.',
      ));
      assert.equal(await driver.isEndpointInProject(endpoint.id, projectId), true);
      assert.deepEqual(await driver.listEndpointIdsForProject(projectId), [endpoint.id]);
      assert.deepEqual(await driver.listProjectIdsForEndpoint(endpoint.id), [projectId]);
      await driver.removeEndpointFromProject(endpoint.id, projectId);
      assert.equal(await driver.isEndpointInProject(endpoint.id, projectId), false);
      await assert.rejects(driver.removeEndpointFromProject(endpoint.id, projectId), notFound(
        `Endpoint ${endpoint.id} not found in project ${projectId}`,
      ));
    });

    it('stores endpoint groups with their filters and drops their associations with them', async () => {
      const { serviceId, projectId } = await fixture(get);
      const driver = get().endpointFilter;
      const group: EndpointGroup = { id: newId(), name: `g-${newId()}`, description: null, filters: { service_id: serviceId, interface: 'public' } };
      assert.deepEqual(await driver.createEndpointGroup(group), group);
      assert.deepEqual(await driver.listEndpointGroups({ name: group.name }), [group]);
      const updated = await driver.updateEndpointGroup(group.id, { description: 'd', filters: { interface: 'admin' } });
      assert.deepEqual(updated, { ...group, description: 'd', filters: { interface: 'admin' } });
      await driver.addEndpointGroupToProject(group.id, projectId);
      await assert.rejects(driver.addEndpointGroupToProject(group.id, projectId), conflict(
        'Conflict occurred attempting to store project_endpoint_group - Duplicate entry.',
      ));
      assert.equal(await driver.isEndpointGroupInProject(group.id, projectId), true);
      assert.deepEqual(await driver.listEndpointGroupIdsForProject(projectId), [group.id]);
      assert.deepEqual(await driver.listProjectIdsForEndpointGroup(group.id), [projectId]);
      await driver.deleteEndpointGroup(group.id);
      assert.deepEqual(await driver.listEndpointGroupIdsForProject(projectId), []);
      await assert.rejects(driver.getEndpointGroup(group.id), notFound(`Could not find Endpoint Group: ${group.id}.`));
      await assert.rejects(driver.deleteEndpointGroup(group.id), notFound(`Could not find Endpoint Group: ${group.id}.`));
      await assert.rejects(driver.removeEndpointGroupFromProject(group.id, projectId), notFound('Endpoint Group Project Association not found'));
    });

    it('loses the associations of a deleted project or endpoint', async () => {
      const { endpoint, projectId } = await fixture(get);
      const other = await fixture(get);
      const driver = get().endpointFilter;
      await driver.addEndpointToProject(endpoint.id, projectId);
      await driver.addEndpointToProject(other.endpoint.id, projectId);
      await get().catalog.deleteEndpoint(other.endpoint.id);
      assert.deepEqual(await driver.listEndpointIdsForProject(projectId), [endpoint.id]);
      await get().resource.deleteProject(projectId);
      assert.deepEqual(await driver.listProjectIdsForEndpoint(endpoint.id), []);
    });
  });

  describe('EndpointPolicyDriver', () => {
    it('keeps one policy per place, matching null ids exactly', async () => {
      const { serviceId, regionId, endpoint } = await fixture(get);
      const policy = async () => (await get().policy.createPolicy({ id: newId(), type: 't', blob: '{}', extra: {} })).id;
      const [first, second] = [await policy(), await policy()];
      const driver = get().endpointPolicy;
      const forService: PolicyAssociation = { policyId: first, endpointId: null, serviceId, regionId: null };
      const inRegion: PolicyAssociation = { policyId: first, endpointId: null, serviceId, regionId };
      await driver.setPolicyAssociation(forService);
      await driver.setPolicyAssociation(inRegion);
      assert.equal(await driver.getPolicyIdFor({ endpointId: null, serviceId, regionId: null }), first);
      assert.equal(await driver.isPolicyAssociated(inRegion), true);
      assert.equal(await driver.getPolicyIdFor({ endpointId: endpoint.id, serviceId: null, regionId: null }), null);
      // The same place with another policy replaces the first.
      await driver.setPolicyAssociation({ ...forService, policyId: second });
      assert.equal(await driver.isPolicyAssociated(forService), false);
      assert.deepEqual(await driver.listPolicyAssociations(first), [inRegion]);
      assert.deepEqual(await driver.listPolicyAssociations(second), [{ ...forService, policyId: second }]);
      await driver.deletePolicyAssociation(inRegion);
      await driver.deletePolicyAssociation(inRegion);
      assert.deepEqual(await driver.listPolicyAssociations(first), []);
      // Deleting the policy deletes its associations.
      await get().policy.deletePolicy(second);
      assert.equal(await driver.getPolicyIdFor({ endpointId: null, serviceId, regionId: null }), null);
    });
  });
}
