// The image service's own options, with glance's names and groups: the data directory
// ([glance_store]), the upload size cap and digest ([DEFAULT]) and the formats an image may
// declare ([image_format]).
import { getHashes } from 'node:crypto';
import { ConfigError, defineGroup, intOpt, listOpt, loadConfig, strOpt, type AnyGroup, type GroupValues, type OptionMap } from '@baton/config';
import { commonServiceGroups, loadServiceConfig, serviceDefaultGroup, ServiceConfigError, type ServiceConfig } from '../common/config.ts';

/** glance's `[DEFAULT]` options that Baton's image service honours. */
export const imageDefaultOptions = {
  image_size_cap: intOpt({
    default: 1099511627776,
    min: 1,
    help:
      'Largest image data accepted, in bytes (default 1 TiB). An upload that declares or sends more is ' +
      'refused with 413, its partial data removed and the image left queued.',
  }),
  hashing_algorithm: strOpt({
    default: 'sha512',
    choices: ['sha224', 'sha256', 'sha384', 'sha512', 'sha3-256', 'sha3-384', 'sha3-512'].filter((name) =>
      getHashes().includes(name),
    ),
    help: 'Digest recorded as os_hash_algo/os_hash_value for each upload, beside the md5 checksum.',
  }),
};

export const glanceStoreGroup = defineGroup('glance_store', {
  help: 'Where image data is kept (glance_store\'s filesystem driver).',
  options: {
    filesystem_store_datadir: strOpt({
      default: '$state_path/images',
      help:
        'Directory that holds the image data, one file per image named by its ID. Created if missing. ' +
        'Uploads are written to a temporary file there and renamed when complete.',
    }),
  },
});

export const imageFormatGroup = defineGroup('image_format', {
  help: 'The values an image may declare as its disk_format and container_format.',
  options: {
    container_formats: listOpt({
      default: ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'],
      help: "Accepted values of the 'container_format' image attribute; any other is refused with 400.",
    }),
    disk_formats: listOpt({
      default: ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'],
      help: "Accepted values of the 'disk_format' image attribute; any other is refused with 400.",
    }),
  },
});

export const IMAGE_GROUPS = [glanceStoreGroup, imageFormatGroup] as const;

/** glance-api.conf's [DEFAULT]: the options every service shares plus glance's own. */
export const imageDefaultGroup = withDefaultOptions(imageDefaultOptions);

export type ImageConfig = ServiceConfigWithDefaults<typeof IMAGE_GROUPS, typeof imageDefaultOptions>;

export function loadImageConfig(files: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ImageConfig {
  return loadServiceConfigWithDefaults({ files, env, databaseFile: 'glance.db', groups: IMAGE_GROUPS, defaultOptions: imageDefaultOptions });
}

/** [DEFAULT] with the common options and a service's own (glance and neutron keep theirs there). */
export function withDefaultOptions<const D extends OptionMap>(options: D) {
  return defineGroup('DEFAULT', { help: serviceDefaultGroup.help, options: { ...serviceDefaultGroup.options, ...options } });
}

export type ServiceConfigWithDefaults<G extends readonly AnyGroup[], D extends OptionMap> = ServiceConfig<G> & {
  /** [DEFAULT], with the service's own options. */
  readonly defaults: GroupValues<typeof serviceDefaultGroup.options & D>;
};

/**
 * loadServiceConfig for a service that keeps options of its own in [DEFAULT]. The common
 * loader owns that section, so it is read a second time with them declared, and the common
 * loader's "unknown option" warnings about them are dropped.
 */
export function loadServiceConfigWithDefaults<const G extends readonly AnyGroup[], const D extends OptionMap>(options: {
  files: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  databaseFile: string;
  groups: G;
  defaultOptions: D;
}): ServiceConfigWithDefaults<G, D> {
  const loaded = loadServiceConfig({ files: options.files, databaseFile: options.databaseFile, groups: options.groups, env: options.env });
  let defaults;
  try {
    defaults = loadConfig({ files: options.files, groups: [withDefaultOptions(options.defaultOptions)], env: options.env }).config.DEFAULT;
  } catch (error) {
    if (error instanceof ConfigError) throw new ServiceConfigError(error.message, { cause: error });
    throw error;
  }
  const ours = Object.keys(options.defaultOptions).map((name) => `: [DEFAULT] ${name}: unknown option`);
  const warnings = loaded.warnings.filter((warning) => !ours.some((marker) => warning.includes(marker)));
  return { ...loaded, warnings, defaults: defaults as GroupValues<typeof serviceDefaultGroup.options & D> };
}

/** The groups with glance's own options, for docs/image.md (the common ones are in docs/cloud.md). */
export const IMAGE_OWN_GROUPS = [imageDefaultGroup, ...IMAGE_GROUPS] as const;

/** Every group of glance-api.conf, in file order: for etc/glance-api.conf.sample. */
export function imageFileGroups() {
  const [, ...common] = commonServiceGroups('glance.db');
  return [imageDefaultGroup, ...common, ...IMAGE_GROUPS] as const;
}

/** First line of etc/glance-api.conf.sample. */
export const IMAGE_SAMPLE_TITLE = "Sample glance-api.conf for Baton's image service (baton image serve).";
