// The image service: `baton image serve --config glance-api.conf`. glance's v2 API behind the
// auth-token middleware, its records in [database] connection, its data under
// [glance_store] filesystem_store_datadir.
import type { FastifyInstance } from 'fastify';
import { createAuthToken } from '@baton/auth-token';
import { createServiceApp, type ApiVersion } from '../common/app.ts';
import { openServiceDatabase } from '../common/database.ts';
import type { RunningService } from '../common/serve.ts';
import { loadImageConfig } from './config.ts';
import { ImageManager } from './image-manager.ts';
import { imageRoutes } from './routes.ts';
import { imageMigrations, type ImageDatabase } from './storage.ts';
import { FilesystemStore } from './store.ts';

export const IMAGE_DEFAULT_PORT = 9292;

// glance lists every v2 minor release; one entry is what its clients need to find /v2.
const VERSIONS: readonly ApiVersion[] = [{ id: 'v2.16', path: '/v2', status: 'CURRENT' }];

export interface StartServiceOptions {
  /** The service's config files, e.g. ['glance-api.conf']; a later file wins per option. */
  readonly config: readonly string[];
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Source of OS_<GROUP>__<OPTION> overrides. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface RunningImageService extends RunningService {
  readonly app: FastifyInstance;
  readonly images: ImageManager;
}

export async function startImage(options: StartServiceOptions): Promise<RunningImageService> {
  const config = loadImageConfig(options.config, options.env);
  for (const warning of config.warnings) process.emitWarning(warning, { code: 'BATON_CONFIG' });
  const opened = await openServiceDatabase<ImageDatabase>(config.values.database.connection, () => imageMigrations);
  const auth = createAuthToken(config.authToken);
  const images = new ImageManager({
    db: opened.db,
    store: new FilesystemStore({
      directory: config.values.glance_store.filesystem_store_datadir,
      sizeCap: config.defaults.image_size_cap,
      hashAlgo: config.defaults.hashing_algorithm,
    }),
    diskFormats: config.values.image_format.disk_formats,
    containerFormats: config.values.image_format.container_formats,
    isUniqueViolation: opened.dialect.isUniqueViolation,
  });
  const app = await createServiceApp({
    authToken: auth.core,
    bodyLimit: config.values.oslo_middleware.max_request_body_size,
    versions: VERSIONS,
    rootStatus: 300,
  });
  await app.register(imageRoutes(images));
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: options.port ?? IMAGE_DEFAULT_PORT });
  } catch (error) {
    await Promise.all([app.close(), auth.close(), opened.close()]);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    app,
    images,
    async close() {
      await app.close();
      await auth.close();
      await opened.close();
    },
  };
}
