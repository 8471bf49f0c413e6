// The sending side meets the receiving side: an expired user token sent through
// @baton/session's service-token wrapper, to a service guarded by @baton/auth-token and to
// one guarded by the REAL keystonemiddleware (Python, in a child process), with identity
// being the real Keystone or Baton. Then a bounded load run counts service-user logins.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { authContextOf, createAuthToken, withAuthToken, type AuthToken } from '@baton/auth-token';
import { keystoneAuthtokenGroup, loadConfigText, serviceUserGroup } from '@baton/config';
import { Session, StaticTokenAuth, UnauthorizedError, loadServiceUser, type AuthPlugin } from '@baton/session';
import {
  countingProxy,
  issuePasswordToken,
  TARGET_NAMES,
  startTarget,
  type IdentityTarget,
  SYSTEM_PYTHON,
  stopChild,
  novaAuthtokenConf,
  novaCredentials,
  seedServiceUsers,
  type ServiceUsers,
} from '@baton/test-support';

/** The issue's load: 200 concurrent callers for 30 s (bounded by time and by the callers). */
const LOAD_SECONDS = 30;

/** nova.conf's [service_user], loaded by @baton/config. */
function serviceUserConfig(target: IdentityTarget, seeded: ServiceUsers, send: boolean, authUrl = target.url) {
  const text = ['[service_user]', `send_service_user_token = ${send}`, ...novaCredentials(authUrl, seeded)];
  return loadConfigText(text.join('\n'), [serviceUserGroup], 'nova.conf').config;
}

type Receiver = { url: string; close(): Promise<void> };

/** A service guarded by @baton/auth-token that answers with what the middleware decided. */
async function batonReceiver(target: IdentityTarget, seeded: ServiceUsers): Promise<Receiver> {
  const { config } = loadConfigText(novaAuthtokenConf(target.url, seeded), [keystoneAuthtokenGroup], 'cinder.conf');
  const authToken: AuthToken = createAuthToken(config.keystone_authtoken, { logger: { warn: () => undefined, info: () => undefined } });
  const server: Server = createServer(
    withAuthToken(authToken.core, (req, res) => {
      const context = authContextOf(req);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          user: context?.user?.userName ?? null,
          service: context?.service?.userName ?? null,
          isService: context?.isService ?? false,
          userTokenExpired: context?.userTokenExpired ?? false,
        }),
      );
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await authToken.close();
    },
  };
}

// keystonemiddleware's auth_token around a WSGI app that echoes the identity headers.
const KSM_APP = `
import json, sys

from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIServer, WSGIRequestHandler, make_server
from keystonemiddleware import auth_token

def app(environ, start_response):
    keys = ('HTTP_X_USER_NAME', 'HTTP_X_SERVICE_USER_NAME', 'HTTP_X_SERVICE_ROLES', 'HTTP_X_IDENTITY_STATUS')
    body = json.dumps({k: environ.get(k) for k in keys}).encode()
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
    return [body]

class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

guarded = auth_token.filter_factory({}, **json.loads(sys.argv[1]))(app)
server = make_server('127.0.0.1', 0, guarded, server_class=Server, handler_class=Quiet)
print(server.server_port, flush=True)
server.serve_forever()
`;

async function ksmReceiver(target: IdentityTarget, seeded: ServiceUsers): Promise<Receiver> {
  const conf = {
    auth_type: 'password',
    auth_url: target.url,
    username: 'nova',
    password: seeded.nova.password,
    user_domain_name: 'Default',
    project_name: 'service',
    project_domain_name: 'Default',
    www_authenticate_uri: target.url,
    service_token_roles_required: 'true',
  };
  const child: ChildProcess = spawn(SYSTEM_PYTHON, ['-c', KSM_APP, JSON.stringify(conf)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`keystonemiddleware app did not start:\n${stderr}`)), 30_000);
    child.stdout?.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(chunk.toString().trim());
    });
    child.once('exit', (code) => reject(new Error(`keystonemiddleware app exited ${code}:\n${stderr}`)));
  });
  return { url: `http://127.0.0.1:${port}`, close: () => stopChild(child) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const name of TARGET_NAMES) {
  describe(`expired user token + service token, identity = ${name}`, { timeout: 240_000 }, () => {
    const EXPIRATION = 8;
    let target: IdentityTarget;
    let seeded: ServiceUsers;
    let baton: Receiver;
    let ksm: Receiver;
    let expiredUserToken: string;
    before(async () => {
      target = await startTarget(name, { expiration: EXPIRATION });
      seeded = await seedServiceUsers(target);
      baton = await batonReceiver(target, seeded);
      ksm = await ksmReceiver(target, seeded);
      const issued = await issuePasswordToken(target.url, 'demo', seeded.demo.password, { project: 'demo' });
      expiredUserToken = issued.token;
      const expiresAt = Date.parse(issued.body.token.expires_at);
      await sleep(Math.max(0, expiresAt - Date.now()) + 1500);
    });
    after(async () => {
      await baton?.close();
      await ksm?.close();
      await target?.stop();
    });

    // What nova does per call: the user's token from the request, wrapped per [service_user].
    const userAuth = (): AuthPlugin => new StaticTokenAuth({ token: expiredUserToken });

    it('send_service_user_token = true: @baton/auth-token accepts the expired user token', async () => {
      const auth = loadServiceUser(serviceUserConfig(target, seeded, true), userAuth());
      const response = await new Session({ auth }).get(`${baton.url}/v3/volumes`);
      assert.deepEqual(response.json(), { user: 'demo', service: 'nova', isService: true, userTokenExpired: true });
    });

    it('send_service_user_token = true: the real keystonemiddleware accepts it too', async () => {
      const auth = loadServiceUser(serviceUserConfig(target, seeded, true), userAuth());
      const response = await new Session({ auth }).get(`${ksm.url}/v3/volumes`);
      assert.deepEqual(response.json(), {
        HTTP_X_USER_NAME: 'demo',
        HTTP_X_SERVICE_USER_NAME: 'nova',
        HTTP_X_SERVICE_ROLES: 'service',
        HTTP_X_IDENTITY_STATUS: 'Confirmed',
      });
    });

    it('send_service_user_token = false: a clear 401 from both receivers', async () => {
      const auth = loadServiceUser(serviceUserConfig(target, seeded, false), userAuth());
      assert.ok(auth instanceof StaticTokenAuth, 'no wrapper when the switch is off');
      for (const receiver of [baton, ksm]) {
        await assert.rejects(new Session({ auth }).get(`${receiver.url}/v3/volumes`), (e: unknown) => {
          assert.ok(e instanceof UnauthorizedError, String(e));
          assert.equal(e.status, 401);
          assert.equal(e.reauthCouldHelp, false, 'a static user token cannot be refreshed');
          assert.match(e.message, /answered 401: The request you have made requires authentication\./);
          return true;
        });
      }
    });
  });

  describe(`200 concurrent callers through the wrapper for ${LOAD_SECONDS} s, identity = ${name}`, { timeout: 240_000 }, () => {
    let target: IdentityTarget;
    let seeded: ServiceUsers;
    let baton: Receiver;
    before(async () => {
      target = await startTarget(name);
      seeded = await seedServiceUsers(target);
      baton = await batonReceiver(target, seeded);
    });
    after(async () => {
      await baton?.close();
      await target?.stop();
    });

    it('every call succeeds and the service user authenticates a handful of times at most', async (t) => {
      const proxy = await countingProxy(new URL(target.url).origin);
      try {
        // The service user logs in through the counting proxy; the receiver talks to identity directly.
        const config = serviceUserConfig(target, seeded, true, proxy.url);
        const { token: userToken } = await issuePasswordToken(target.url, 'demo', seeded.demo.password, { project: 'demo' });
        const deadline = Date.now() + LOAD_SECONDS * 1000;
        let calls = 0;
        const worker = async (): Promise<void> => {
          while (Date.now() < deadline) {
            const auth = loadServiceUser(config, new StaticTokenAuth({ token: userToken }));
            const response = await new Session({ auth, timeout: 30_000 }).get(`${baton.url}/v3/volumes`);
            assert.equal(response.json<{ isService: boolean }>().isService, true);
            calls++;
          }
        };
        await Promise.all(Array.from({ length: 200 }, worker));
        assert.ok(calls >= 200, `only ${calls} calls completed`);
        const logins = proxy.authPosts();
        t.diagnostic(`${calls} calls in ${LOAD_SECONDS} s, ${logins} service-user authentication(s)`);
        assert.ok(logins >= 1 && logins <= 5, `service user authenticated ${logins} times for ${calls} calls`);
      } finally {
        await proxy.close();
      }
    });
  });
}
