// The network service: `baton network serve --config neutron.conf`. neutron's v2.0 API for
// networks, subnets and ports behind the auth-token middleware, its records in
// [database] connection.
import { createAuthToken } from '@baton/auth-token';
import { createServiceApp, listenService, openServiceDatabase, type ApiVersion, type RunningService, type ServiceStartOptions, serviceLoggerOf } from '../common/index.ts';
import { loadNetworkConfig } from './config.ts';
import { NetworkManager } from './network-manager.ts';
import { PortManager } from './port-manager.ts';
import { networkRoutes } from './routes.ts';
import { networkMigrations, type NetworkDatabase } from './storage.ts';

export const NETWORK_DEFAULT_PORT = 9696;

const VERSIONS: readonly ApiVersion[] = [{ id: 'v2.0', path: '/v2.0', status: 'CURRENT' }];

export async function startNetwork(options: ServiceStartOptions): Promise<RunningService> {
  const log = options.log ?? ((message: string) => process.stderr.write(`baton network: ${message}\n`));
  const config = loadNetworkConfig(options.files, options.env);
  for (const warning of config.warnings) log(`warning: ${warning}`);
  const database = await openServiceDatabase<NetworkDatabase>(config.values.database.connection, () => networkMigrations, log);
  const { logger, close: closeLog } = serviceLoggerOf(options, config.values.DEFAULT);
  const auth = createAuthToken(config.authToken, { logger, serviceType: 'network' });
  const cleanup = async (): Promise<void> => {
    await auth.close();
    await database.close();
    await closeLog();
  };
  try {
    const networks = new NetworkManager(database.db, { globalPhysnetMtu: config.defaults.global_physnet_mtu });
    const ports = new PortManager({ db: database.db, networks, baseMac: config.defaults.base_mac, isUniqueViolation: database.dialect.isUniqueViolation });
    const app = await createServiceApp({
      logger,
      authToken: auth.core,
      bodyLimit: config.values.oslo_middleware.max_request_body_size,
      versions: VERSIONS,
    });
    await app.register(networkRoutes(networks, ports), { prefix: '/v2.0' });
    return await listenService(app, { host: options.host ?? '127.0.0.1', port: options.port ?? NETWORK_DEFAULT_PORT }, cleanup);
  } catch (error) {
    await cleanup();
    throw error;
  }
}
