import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApplicationCredential, DomainConfigOption } from '../../../src/storage/index.ts';
import { type GetStorage, newDomain, newId, notFound } from './helpers.ts';
import { credential } from './application-credential.ts';

const option = (group: string, name: string, value: unknown, sensitive = false): DomainConfigOption => ({ group, option: name, value, sensitive });

export function domainConfigConformance(get: GetStorage): void {
  describe('DomainConfigDriver', () => {
    it('replaces, lists by group, option and sensitivity, updates and deletes options with JSON values', async () => {
      const { id } = await get().resource.createDomain(newDomain());
      const driver = get().domainConfig;
      await driver.replaceConfigOptions(id, [option('ldap', 'url', 'ldap://a'), option('identity', 'driver', 'ldap')]);
      const url = option('ldap', 'url', 'ldap://b');
      const password = option('ldap', 'password', 'secret', true);
      const list = option('ldap', 'user_attribute_ignore', ['a', 'b']);
      await driver.replaceConfigOptions(id, [url, password, list, option('ldap', 'page_size', 0)]);
      assert.deepEqual(await driver.listConfigOptions(id, { group: 'identity' }), []);
      assert.deepEqual(await driver.listConfigOptions(id, { group: 'ldap', option: 'user_attribute_ignore' }), [list]);
      assert.deepEqual(await driver.listConfigOptions(id, { sensitive: true }), [password]);
      assert.equal((await driver.listConfigOptions(id, { sensitive: false })).length, 3);

      await driver.updateConfigOptions(id, [option('ldap', 'url', 'ldap://c'), option('identity', 'driver', 'sql')]);
      assert.deepEqual(await driver.listConfigOptions(id, { option: 'url', group: 'ldap' }), [option('ldap', 'url', 'ldap://c')]);
      await driver.deleteConfigOptions(id, { group: 'ldap', option: 'url' });
      assert.equal((await driver.listConfigOptions(id, { group: 'ldap' })).length, 3);
      await driver.deleteConfigOptions(id, { group: 'ldap' });
      assert.deepEqual(await driver.listConfigOptions(id), [option('identity', 'driver', 'sql')]);
      await driver.deleteConfigOptions(id);
      assert.deepEqual(await driver.listConfigOptions(id), []);
    });

    it("a domain's deletion removes its options", async () => {
      const { id } = await get().resource.createDomain(newDomain({ enabled: false }));
      await get().domainConfig.replaceConfigOptions(id, [option('ldap', 'url', 'ldap://a')]);
      await get().resource.deleteDomain(id);
      assert.deepEqual(await get().domainConfig.listConfigOptions(id), []);
    });
  });

  describe('AccessRuleDriver', () => {
    const withRules = (userId: string, accessRules: ApplicationCredential['accessRules']): ApplicationCredential =>
      credential(userId, accessRules === undefined ? {} : { accessRules });

    it('credentials share a user\'s rules by id or by value; a rule in use is not deleted', async () => {
      const userId = newId();
      const rule = { id: newId(), userId, service: 'compute', path: '/servers', method: 'GET' };
      const first = await get().applicationCredential.createApplicationCredential(withRules(userId, [rule]));
      assert.deepEqual(first.accessRules, [rule]);
      const byValue = await get().applicationCredential.createApplicationCredential(withRules(userId, [{ ...rule, id: newId() }]));
      const byId = await get().applicationCredential.createApplicationCredential(withRules(userId, [{ id: rule.id, userId, service: null, path: null, method: null }]));
      assert.deepEqual(byValue.accessRules, [rule]);
      assert.deepEqual(byId.accessRules, [rule]);
      assert.equal((await get().applicationCredential.createApplicationCredential(withRules(userId, undefined))).accessRules, undefined);
      assert.deepEqual(await get().accessRule.listAccessRules(userId), [rule]);
      assert.deepEqual(await get().accessRule.listAccessRules(userId, { method: 'POST' }), []);

      await assert.rejects(get().accessRule.deleteAccessRule(rule.id), { code: 'ERR_IDENTITY_FORBIDDEN', message: 'May not delete access rule in use' });
      for (const c of [first, byValue, byId]) await get().applicationCredential.deleteApplicationCredential(c.id);
      await get().accessRule.deleteAccessRule(rule.id);
      await assert.rejects(get().accessRule.getAccessRule(rule.id), notFound(`Could not find Access Rule: ${rule.id}.`));
    });

    it("another user's rule id is not reused, and a user's rules go with them", async () => {
      const owner = newId();
      const rule = { id: newId(), userId: owner, service: 'image', path: '/v2/images', method: 'GET' };
      const mine = await get().applicationCredential.createApplicationCredential(withRules(owner, [rule]));
      const other = newId();
      await assert.rejects(get().applicationCredential.createApplicationCredential(withRules(other, [{ ...rule, userId: other }])), {
        code: 'ERR_IDENTITY_VALIDATION',
        message: `Could not find Access Rule: ${rule.id}.`,
      });
      await get().applicationCredential.createApplicationCredential(withRules(other, [{ ...rule, id: newId(), userId: other }]));
      await get().accessRule.deleteAccessRulesForUser(owner);
      assert.deepEqual(await get().accessRule.listAccessRules(owner), []);
      assert.equal((await get().applicationCredential.getApplicationCredential(mine.id)).accessRules, undefined);
      assert.equal((await get().accessRule.listAccessRules(other)).length, 1);
    });
  });
}
