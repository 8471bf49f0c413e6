// The compute service: nova.conf in, an HTTP server and a job worker out (`baton compute serve`).
import { createAuthToken } from '@baton/auth-token';
import { createServiceApp, listenService, openServiceDatabase, type RunningService, type ServiceStartOptions, serviceLoggerOf } from '../common/index.ts';
import { JobStore, JobWorker, type JobDb } from '../jobs/index.ts';
import { loadComputeConfig, workerName } from './config.ts';
import { InstanceStore } from './instances.ts';
import { JobHttpFactory } from './job-http.ts';
import { buildJob, deleteJob, liveMigrationJob, snapshotJob } from './jobs.ts';
import { ComputeManager } from './manager.ts';
import { computeRoutes } from './routes.ts';
import { computeMigrations, type ComputeDatabase } from './storage.ts';

export const COMPUTE_DEFAULT_PORT = 8774;

/** The newest microversion whose shapes Baton renders (flavors embedded from 2.47, createImage's body from 2.45). */
export const COMPUTE_MAX_MICROVERSION = '2.79';

export async function startCompute(options: ServiceStartOptions): Promise<RunningService> {
  const log = options.log ?? ((message: string) => process.stderr.write(`baton compute: ${message}\n`));
  const config = loadComputeConfig(options.files, options.env ?? {});
  for (const warning of config.warnings) log(`warning: ${warning}`);
  const database = await openServiceDatabase<ComputeDatabase>(config.values.database.connection, () => computeMigrations, log);
  const { logger, close: closeLog } = serviceLoggerOf(options, config.values.DEFAULT);
  const auth = createAuthToken(config.authToken, { logger, serviceType: 'compute' });
  // Compute's database holds the job tables beside its own (computeMigrations includes them).
  const jobs = new JobStore(database.db as unknown as JobDb, { skipLocked: database.dialect.name === 'postgres' });
  const instances = new InstanceStore(database.db);
  const deps = { instances, http: new JobHttpFactory(config.serviceUser), config };
  const own = config.values.compute;
  const worker = new JobWorker({
    store: jobs,
    host: workerName(config),
    definitions: [buildJob(deps), liveMigrationJob(deps), snapshotJob(deps), deleteJob(deps)],
    leaseSeconds: own.job_lease_seconds,
    pollIntervalMs: own.job_poll_interval * 1000,
    concurrency: 8,
    log,
  });
  const cleanup = async (): Promise<void> => {
    await worker.stop();
    await auth.close();
    await database.close();
    await closeLog();
  };
  try {
    const app = await createServiceApp({
      logger,
      authToken: auth.core,
      bodyLimit: config.values.oslo_middleware.max_request_body_size,
      requestIdHeaders: ['x-compute-request-id'],
      versions: [
        {
          id: 'v2.1',
          path: '/v2.1',
          status: 'CURRENT',
          microversions: { serviceType: 'compute', min: '2.1', max: COMPUTE_MAX_MICROVERSION, legacyHeader: 'X-OpenStack-Nova-API-Version' },
          updated: '2013-07-23T11:33:21Z',
        },
      ],
    });
    await app.register(computeRoutes(new ComputeManager(instances, jobs, config, () => worker.wake())));
    const running = await listenService(app, { host: options.host ?? '127.0.0.1', port: options.port ?? COMPUTE_DEFAULT_PORT }, cleanup);
    worker.start();
    return running;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
