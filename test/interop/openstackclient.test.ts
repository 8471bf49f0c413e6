import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  issuePasswordToken,
  validateStatus,
  TARGET_NAMES,
  startTarget,
  type IdentityTarget,
  openstack,
  type Credentials,
} from '@baton/test-support';

// The real python3-openstackclient against each identity service. Every CLI call
// costs 1-2 s (Python start-up plus its own password auth), so each step is one call.
for (const name of TARGET_NAMES) {
  describe(`openstack CLI against ${name}`, { timeout: 300_000 }, () => {
    let target: IdentityTarget;
    let admin: Credentials;
    let issuedToken = '';
    before(async () => {
      target = await startTarget(name);
      admin = { username: 'admin', password: target.adminPassword, project: 'admin' };
    });
    after(async () => {
      await target?.stop();
    });

    const cli = (args: string[]): Promise<unknown> => openstack(target, admin, args, { json: true });

    it('token issue returns a Fernet token scoped to the admin project', async () => {
      const out = (await cli(['token', 'issue'])) as Record<string, string>;
      assert.deepEqual(Object.keys(out).sort(), ['expires', 'id', 'project_id', 'user_id']);
      assert.match(out.id!, /^gAAAAAB[A-Za-z0-9_-]+=*$/);
      assert.ok(Date.parse(out.expires!) > Date.now(), `expires ${out.expires} should be in the future`);
      issuedToken = out.id!;
    });

    it('project create, user create --password, role create', async () => {
      const project = (await cli(['project', 'create', '--domain', 'default', '--description', 'interop', 'interop-project'])) as Record<string, unknown>;
      assert.equal(project.name, 'interop-project');
      assert.equal(project.domain_id, 'default');
      assert.equal(project.enabled, true);
      assert.match(String(project.id), /^[0-9a-f]{32}$/);

      const user = (await cli(['user', 'create', '--domain', 'default', '--password', 'interop-secret', 'interop-user'])) as Record<string, unknown>;
      assert.equal(user.name, 'interop-user');
      assert.equal(user.domain_id, 'default');
      assert.equal(user.enabled, true);
      assert.match(String(user.id), /^[0-9a-f]{32}$/);

      const role = (await cli(['role', 'create', 'interop-role'])) as Record<string, unknown>;
      assert.equal(role.name, 'interop-role');
      assert.match(String(role.id), /^[0-9a-f]{32}$/);
    });

    it('role add --user --project shows up in role assignment list --names', async () => {
      const added = await openstack(target, admin, ['role', 'add', '--user', 'interop-user', '--project', 'interop-project', 'interop-role'], { json: false });
      assert.equal(String(added).trim(), '');
      const rows = (await cli(['role', 'assignment', 'list', '--names'])) as Record<string, unknown>[];
      const row = rows.find((r) => r.Role === 'interop-role');
      assert.ok(row, `no interop-role assignment in ${JSON.stringify(rows)}`);
      assert.equal(row.User, 'interop-user@Default');
      assert.equal(row.Project, 'interop-project@Default');
      // The grant is real: the new user can now get a token scoped to the project.
      const { body } = await issuePasswordToken(target.url, 'interop-user', 'interop-secret', { project: 'interop-project' });
      assert.deepEqual(body.token.roles?.map((r) => r.name), ['interop-role']);
    });

    it('user password set: the user changes their own password; the new one authenticates, the old one no longer', async () => {
      const user = { username: 'interop-user', password: 'interop-secret', project: 'interop-project' };
      const out = await openstack(target, user, ['user', 'password', 'set', '--original-password', 'interop-secret', '--password', 'interop-secret-2'], { json: false });
      assert.equal(String(out).trim(), '');
      const { body } = await issuePasswordToken(target.url, 'interop-user', 'interop-secret-2', { project: 'interop-project' });
      assert.equal(body.token.user.name, 'interop-user');
      await assert.rejects(issuePasswordToken(target.url, 'interop-user', 'interop-secret', { project: 'interop-project' }), { status: 401 });
    });

    it('catalog list shows the identity service with its three endpoints', async () => {
      const services = (await cli(['catalog', 'list'])) as { Type: string; Endpoints: { interface: string; url: string; region_id: string }[] }[];
      const identity = services.find((s) => s.Type === 'identity');
      assert.ok(identity, `no identity service in ${JSON.stringify(services)}`);
      assert.deepEqual(identity.Endpoints.map((e) => e.interface).sort(), ['admin', 'internal', 'public']);
      for (const endpoint of identity.Endpoints) {
        assert.equal(endpoint.url, target.url);
        assert.equal(endpoint.region_id, 'RegionOne');
      }
    });

    it('token revoke makes the token fail validation (404)', async () => {
      assert.notEqual(issuedToken, '', 'token issue step must have run');
      const { token: checker } = await issuePasswordToken(target.url, 'admin', target.adminPassword, { project: 'admin' });
      assert.equal(await validateStatus(target.url, checker, issuedToken), 200);
      await openstack(target, admin, ['token', 'revoke', issuedToken], { json: false });
      assert.equal(await validateStatus(target.url, checker, issuedToken), 404);
    });
  });
}
