// nova.conf as Baton's compute service reads it: the common sections plus [compute], which
// describes the simulated hypervisors and how long their long operations take.
import { hostname } from 'node:os';
import { defineGroup, floatOpt, intOpt, listOpt, strOpt } from '@baton/config';
import { commonServiceGroups, loadServiceConfig, type ServiceConfig } from '../common/config.ts';

export const computeGroup = defineGroup('compute', {
  help: 'The simulated compute hosts and the durable jobs (boot, live migration, snapshot) that run on them.',
  options: {
    hosts: listOpt({
      default: ['node1', 'node2'],
      help:
        'Names of the simulated hypervisor hosts. New servers are placed on the first; a live migration ' +
        'may target any other (`openstack server migrate --live-migration --host node2`).',
    }),
    worker_name: strOpt({
      default: '',
      help:
        "Name of this compute service's job worker, recorded on the jobs it holds (nova's [DEFAULT] host); " +
        "empty means the machine's host name. " +
        'A restarted service takes the jobs held under its name back at once; two services sharing one ' +
        'database must have different names, and each takes over the other\'s jobs once their lease runs out.',
    }),
    spawn_duration: floatOpt({
      default: 1,
      min: 0,
      help: 'Seconds a simulated host takes to start a server once its network and volumes are ready.',
    }),
    live_migration_duration: floatOpt({
      default: 10,
      min: 0,
      help: 'Seconds the memory transfer of a live migration takes; progress is reported ten times along the way.',
    }),
    snapshot_duration: floatOpt({
      default: 5,
      min: 0,
      help: 'Seconds capturing a server\'s disk for a snapshot takes, before the image is uploaded to the image service.',
    }),
    snapshot_size: intOpt({
      default: 1048576,
      min: 1,
      help: 'Bytes of the simulated disk image a snapshot uploads to the image service.',
    }),
    job_lease_seconds: intOpt({
      default: 30,
      min: 2,
      help:
        'How long a job stays held by this service without renewal (renewed every third of it). When a compute ' +
        'service dies, another one sharing the database resumes its jobs after this long.',
    }),
    job_poll_interval: floatOpt({
      default: 1,
      min: 0.05,
      help: 'Seconds between looks for runnable jobs (new ones wake the worker at once; this finds jobs of dead services).',
    }),
  },
});

export const COMPUTE_GROUPS = [computeGroup] as const;

/** Every group of nova.conf, in file order: for etc/nova.conf.sample. */
export function computeFileGroups() {
  return [...commonServiceGroups('nova.db'), ...COMPUTE_GROUPS] as const;
}

/** First line of etc/nova.conf.sample. */
export const COMPUTE_SAMPLE_TITLE = "Sample nova.conf for Baton's compute service (baton compute serve).";

/** The worker's name: [compute] worker_name, or the machine's host name. */
export function workerName(config: ComputeConfig): string {
  return config.values.compute.worker_name === '' ? hostname() : config.values.compute.worker_name;
}

export type ComputeConfig = ServiceConfig<typeof COMPUTE_GROUPS>;

export function loadComputeConfig(files: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ComputeConfig {
  const config = loadServiceConfig({ files, databaseFile: 'nova.db', groups: COMPUTE_GROUPS, env });
  if (config.values.compute.hosts.length === 0) throw new TypeError(`${files.at(-1) ?? 'nova.conf'}: [compute] hosts: at least one host is required`);
  return config;
}
