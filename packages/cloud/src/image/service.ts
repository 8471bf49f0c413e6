// The image service: `baton image serve --config glance-api.conf`. glance's v2 API behind the
// auth-token middleware, its records in [database] connection, its data under
// [glance_store] filesystem_store_datadir.
import type { FastifyRequest } from 'fastify';
import { createAuthToken } from '@baton/auth-token';
import { contextOf, createServiceApp, InterServiceClient, listenService, openServiceDatabase, type ApiVersion, type RunningService, type ServiceStartOptions, serviceLoggerOf } from '../common/index.ts';
import { loadImageConfig } from './config.ts';
import { ImageManager } from './image-manager.ts';
import { imageRoutes } from './routes.ts';
import { imageMigrations, type ImageDatabase } from './storage.ts';
import { FilesystemStore } from './store.ts';

export const IMAGE_DEFAULT_PORT = 9292;

// glance lists every v2 minor release; one entry is what its clients need to find /v2.
const VERSIONS: readonly ApiVersion[] = [{ id: 'v2.16', path: '/v2', status: 'CURRENT' }];

export async function startImage(options: ServiceStartOptions): Promise<RunningService> {
  const log = options.log ?? ((message: string) => process.stderr.write(`baton image: ${message}\n`));
  const config = loadImageConfig(options.files, options.env);
  for (const warning of config.warnings) log(`warning: ${warning}`);
  const database = await openServiceDatabase<ImageDatabase>(config.values.database.connection, () => imageMigrations, log);
  const { logger, close: closeLog } = serviceLoggerOf(options, config.values.DEFAULT);
  const auth = createAuthToken(config.authToken, { logger, serviceType: 'image' });
  const cleanup = async (): Promise<void> => {
    await auth.close();
    await database.close();
    await closeLog();
  };
  try {
    const images = new ImageManager({
      db: database.db,
      store: new FilesystemStore({
        directory: config.values.glance_store.filesystem_store_datadir,
        sizeCap: config.defaults.image_size_cap,
        hashAlgo: config.defaults.hashing_algorithm,
      }),
      diskFormats: config.values.image_format.disk_formats,
      containerFormats: config.values.image_format.container_formats,
      isUniqueViolation: database.dialect.isUniqueViolation,
    });
    const app = await createServiceApp({
      logger,
      authToken: auth.core,
      bodyLimit: config.values.oslo_middleware.max_request_body_size,
      versions: VERSIONS,
      rootStatus: 300,
    });
    // Image's calls to other services go as the caller, with image's own service token beside
    // the user's when [service_user] send_service_user_token is true.
    const clientFor = (request: FastifyRequest) =>
      InterServiceClient.asUser(InterServiceClient.credentialsOf(contextOf(request)), config.serviceUser, {
        globalRequestId: request.id,
        listener: (call) =>
          log(`${call.method} ${call.serviceType} ${call.path} → ${call.status ?? 'no answer'} (user token expired: ${call.userTokenExpired}, service token: ${call.serviceToken})`),
      });
    await app.register(imageRoutes(images, clientFor));
    return await listenService(app, { host: options.host ?? '127.0.0.1', port: options.port ?? IMAGE_DEFAULT_PORT }, cleanup);
  } catch (error) {
    await cleanup();
    throw error;
  }
}
