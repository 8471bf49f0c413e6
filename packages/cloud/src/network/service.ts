// The network service: `baton network serve --config neutron.conf`. neutron's v2.0 API for
// networks, subnets and ports behind the auth-token middleware, its records in
// [database] connection.
import type { FastifyInstance } from 'fastify';
import { createAuthToken } from '@baton/auth-token';
import { createServiceApp, type ApiVersion } from '../common/app.ts';
import { openServiceDatabase } from '../common/database.ts';
import type { RunningService } from '../common/serve.ts';
import type { StartServiceOptions } from '../image/service.ts';
import { loadNetworkConfig } from './config.ts';
import { NetworkManager } from './network-manager.ts';
import { PortManager } from './port-manager.ts';
import { networkRoutes } from './routes.ts';
import { networkMigrations, type NetworkDatabase } from './storage.ts';

export const NETWORK_DEFAULT_PORT = 9696;

const VERSIONS: readonly ApiVersion[] = [{ id: 'v2.0', path: '/v2.0', status: 'CURRENT' }];

export interface RunningNetworkService extends RunningService {
  readonly app: FastifyInstance;
  readonly networks: NetworkManager;
  readonly ports: PortManager;
}

export async function startNetwork(options: StartServiceOptions): Promise<RunningNetworkService> {
  const config = loadNetworkConfig(options.config, options.env);
  for (const warning of config.warnings) process.emitWarning(warning, { code: 'BATON_CONFIG' });
  const opened = await openServiceDatabase<NetworkDatabase>(config.values.database.connection, () => networkMigrations);
  const auth = createAuthToken(config.authToken);
  const networks = new NetworkManager(opened.db, { globalPhysnetMtu: config.defaults.global_physnet_mtu });
  const ports = new PortManager({ db: opened.db, networks, baseMac: config.defaults.base_mac, isUniqueViolation: opened.dialect.isUniqueViolation });
  const app = await createServiceApp({
    authToken: auth.core,
    bodyLimit: config.values.oslo_middleware.max_request_body_size,
    versions: VERSIONS,
  });
  await app.register(networkRoutes(networks, ports), { prefix: '/v2.0' });
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: options.port ?? NETWORK_DEFAULT_PORT });
  } catch (error) {
    await Promise.all([app.close(), auth.close(), opened.close()]);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    app,
    networks,
    ports,
    async close() {
      await app.close();
      await auth.close();
      await opened.close();
    },
  };
}
