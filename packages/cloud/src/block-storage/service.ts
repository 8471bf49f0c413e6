// The block-storage service: cinder.conf in, an HTTP server out (`baton block-storage serve`).
import { createAuthToken } from '@baton/auth-token';
import {
  createServiceApp,
  InterServiceClient,
  listenService,
  loadServiceConfig,
  openServiceDatabase,
  type RunningService,
  serviceLoggerOf,
  type ServiceStartOptions,
} from '../common/index.ts';
import { BLOCK_STORAGE_DATABASE_FILE, blockStorageGroups } from './config.ts';
import { blockStorageRoutes } from './routes.ts';
import { blockStorageMigrations, type BlockStorageDatabase } from './storage.ts';
import { VolumeManager } from './volume-manager.ts';

export const BLOCK_STORAGE_DEFAULT_PORT = 8776;

/** cinderclient 9.1's newest microversion; the attachments API needs 3.27 and os-complete 3.44. */
export const BLOCK_STORAGE_MAX_MICROVERSION = '3.70';

export async function startBlockStorage(options: ServiceStartOptions): Promise<RunningService> {
  const log = options.log ?? ((message: string) => process.stderr.write(`baton block-storage: ${message}\n`));
  const config = loadServiceConfig({ files: options.files, databaseFile: BLOCK_STORAGE_DATABASE_FILE, groups: blockStorageGroups, env: options.env ?? {} });
  for (const warning of config.warnings) log(`warning: ${warning}`);
  const database = await openServiceDatabase<BlockStorageDatabase>(config.values.database.connection, () => blockStorageMigrations, log);
  const { logger, close: closeLog } = serviceLoggerOf(options, config.values.DEFAULT);
  const auth = createAuthToken(config.authToken, { logger, serviceType: 'block-storage' });
  const options_ = config.values.block_storage;
  const volumes = new VolumeManager({
    db: database.db,
    availabilityZone: options_.availability_zone,
    createDelayMs: options_.create_delay * 1000,
    maxVolumeSize: options_.max_volume_size,
    clientFor: (user) =>
      InterServiceClient.asUser(user, config.serviceUser, {
        listener: (call) =>
          log(`${call.method} ${call.serviceType} ${call.path} → ${call.status ?? 'no answer'} (user token expired: ${call.userTokenExpired}, service token: ${call.serviceToken})`),
      }),
    log,
  });
  const cleanup = async (): Promise<void> => {
    await volumes.close();
    await auth.close();
    await database.close();
    await closeLog();
  };
  try {
    const interrupted = await volumes.recoverInterrupted();
    if (interrupted > 0) log(`${interrupted} volume(s) left 'creating' by a previous run are now 'error'`);
    const app = await createServiceApp({
      logger,
      authToken: auth.core,
      bodyLimit: config.values.oslo_middleware.max_request_body_size,
      versions: [{ id: 'v3.0', path: '/v3', status: 'CURRENT', microversions: { serviceType: 'volume', min: '3.0', max: BLOCK_STORAGE_MAX_MICROVERSION } }],
      rootStatus: 300,
    });
    blockStorageRoutes(app, volumes);
    return await listenService(app, { host: options.host ?? '127.0.0.1', port: options.port ?? BLOCK_STORAGE_DEFAULT_PORT }, cleanup);
  } catch (error) {
    await cleanup();
    throw error;
  }
}
