// A real identity on loopback for the cloud services' tests: catalog URLs pointing at its real
// port, the nova (role service, project service) and demo (role member) users, endpoints for
// the services a test starts, and the [keystone_authtoken]/[service_user] text of their files.
import { startTestIdentity, type TestIdentity, type TestIdentityOptions } from './identity.ts';
import { callApi, createEntity, issuePasswordToken, type IssuedToken } from './identity-api.ts';
import { novaAuthtokenConf, novaCredentials, seedServiceUsers, type ServiceUsers } from './seed.ts';

export interface CloudIdentity {
  readonly identity: TestIdentity;
  /** http://127.0.0.1:PORT/v3 */
  readonly url: string;
  readonly users: ServiceUsers;
  /** Adds a service of `type` with public/internal/admin endpoints at `url` (may hold %(project_id)s). */
  addEndpoint(type: string, name: string, url: string): Promise<void>;
  /** A project-scoped token of demo, nova or admin. */
  issue(user: 'demo' | 'nova' | 'admin'): Promise<IssuedToken>;
  /** [keystone_authtoken] and [service_user] as nova (role service); `sendServiceToken` sets the switch. */
  serviceSections(options?: { sendServiceToken?: boolean; authtoken?: readonly string[] }): string;
  close(): Promise<void>;
}

export async function startCloudIdentity(options: TestIdentityOptions = {}): Promise<CloudIdentity> {
  const identity = await startTestIdentity(options);
  try {
    const url = `${await identity.app.listen({ host: '127.0.0.1', port: 0 })}/v3`;
    // Bootstrap wrote placeholder catalog URLs; point them at the real port, as an operator would.
    for (const endpoint of await identity.service.catalog.listEndpoints()) {
      await identity.service.catalog.updateEndpoint(endpoint.id, { url });
    }
    const users = await seedServiceUsers({ url, adminPassword: 'admin-secret' });
    const passwords = { demo: users.demo.password, nova: users.nova.password, admin: 'admin-secret' };
    const projects = { demo: users.demo.project, nova: users.nova.project, admin: 'admin' };
    return {
      identity,
      url,
      users,
      async addEndpoint(type, name, endpointUrl) {
        const { token } = await issuePasswordToken(url, 'admin', 'admin-secret', { project: 'admin' });
        const serviceId = await createEntity(url, token, 'services', 'service', { type, name });
        for (const face of ['public', 'internal', 'admin']) {
          await callApi('POST', `${url}/endpoints`, {
            token,
            body: { endpoint: { service_id: serviceId, interface: face, url: endpointUrl, region_id: 'RegionOne' } },
            expect: 201,
          });
        }
      },
      issue: (user) => issuePasswordToken(url, user, passwords[user], { project: projects[user] }),
      serviceSections: (sections = {}) =>
        [
          novaAuthtokenConf(url, users, sections.authtoken ?? []),
          '[service_user]',
          `send_service_user_token = ${sections.sendServiceToken ?? true}`,
          ...novaCredentials(url, users),
          '',
        ].join('\n'),
      close: () => identity.close(),
    };
  } catch (error) {
    await identity.close();
    throw error;
  }
}
