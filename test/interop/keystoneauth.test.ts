import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  issuePasswordToken,
  TARGET_NAMES,
  startTarget,
  type IdentityTarget,
  SYSTEM_PYTHON,
  runCommand,
  seedServiceUsers,
  type ServiceUsers,
} from '@baton/test-support';

const PROBE = fileURLToPath(import.meta.resolve('@baton/test-support/ksa-probe.py'));

type ProbeOutput = { user_id: string; project_id: string; endpoint: string; request_url: string; status: number; projects: string[] };

async function probe(target: IdentityTarget, username: string, password: string, project: string): Promise<ProbeOutput> {
  const input = JSON.stringify({ auth_url: target.url, username, password, project_name: project });
  const result = await runCommand(SYSTEM_PYTHON, [PROBE], { input, timeoutMs: 60_000 });
  assert.equal(result.code, 0, `ksa-probe.py failed:\n${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout) as ProbeOutput;
}

// keystoneauth1's Password plugin + Session, the client every OpenStack service uses.
for (const name of TARGET_NAMES) {
  describe(`keystoneauth1 against ${name}`, { timeout: 180_000 }, () => {
    let target: IdentityTarget;
    let seeded: ServiceUsers;
    before(async () => {
      target = await startTarget(name);
      seeded = await seedServiceUsers(target);
    });
    after(async () => {
      await target?.stop();
    });

    it('authenticates with a password and reaches the identity endpoint through the catalog', async () => {
      const out = await probe(target, 'demo', seeded.demo.password, 'demo');
      assert.equal(out.user_id, seeded.demo.userId);
      assert.equal(out.project_id, seeded.demo.projectId);
      assert.equal(out.endpoint, target.url);
      assert.equal(out.request_url, `${target.url}/auth/projects`);
      assert.equal(out.status, 200);
      assert.deepEqual(out.projects, ['demo']);
    });

    it('lists only the projects the user has a role on', async () => {
      const out = await probe(target, 'nova', seeded.nova.password, 'service');
      assert.equal(out.user_id, seeded.nova.userId);
      assert.deepEqual(out.projects, ['service']);
      // Cross-check with a plain API call: the same user, the same single project.
      const { body } = await issuePasswordToken(target.url, 'nova', seeded.nova.password, { project: 'service' });
      assert.equal(body.token.project?.id, out.project_id);
    });
  });
}
