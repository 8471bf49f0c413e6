// X-Is-Admin-Project as the middleware exports it from a Baton identity with
// [resource] admin_project_name/admin_project_domain_name set.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAuthToken, withAuthToken, type AuthToken } from '../src/index.ts';
import { closeServer, createServer, echoHandler, listen, quietLogger, startStack, type Stack } from './support/stack.ts';

describe('X-Is-Admin-Project from [resource] admin_project_name', () => {
  let stack: Stack;
  let auth: AuthToken;
  let server: ReturnType<typeof createServer>;
  let url: string;

  before(async () => {
    stack = await startStack({ adminProject: { name: 'admin', domainName: 'Default' } });
    auth = createAuthToken(stack.config({ service_token_roles_required: false }), { logger: quietLogger });
    server = createServer(withAuthToken(auth.core, echoHandler));
    url = await listen(server);
  });
  after(async () => {
    await closeServer(server);
    await auth.close();
    await stack.close();
  });

  async function isAdminProject(token: string): Promise<string | undefined> {
    const response = await fetch(`${url}/v1/servers`, { headers: { 'X-Auth-Token': token } });
    assert.equal(response.status, 200);
    return ((await response.json()) as { headers: Record<string, string> }).headers['x-is-admin-project'];
  }

  it('is True only for tokens scoped to the admin project', async () => {
    assert.equal(await isAdminProject(await stack.issue('admin')), 'True');
    assert.equal(await isAdminProject(await stack.issue('demo')), 'False');
  });
});
