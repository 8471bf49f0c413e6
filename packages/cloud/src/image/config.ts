// The image service's own options, with glance's names and groups: the data directory
// ([glance_store]), the upload size cap and digest ([DEFAULT]) and the formats an image may
// declare ([image_format]).
import { getHashes } from 'node:crypto';
import { ConfigError, defineGroup, intOpt, listOpt, loadConfig, strOpt, type ConfigOf } from '@baton/config';
import { loadServiceConfig, serviceDefaultGroup, ServiceConfigError, type ServiceConfig } from '../common/config.ts';

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

/** glance-api.conf's [DEFAULT] as the image service reads it: the common options plus glance's own. */
export const imageDefaultGroup = defineGroup('DEFAULT', {
  help: serviceDefaultGroup.help,
  options: { ...serviceDefaultGroup.options, ...imageDefaultOptions },
});

export const IMAGE_GROUPS = [glanceStoreGroup, imageFormatGroup] as const;

export type ImageConfig = ServiceConfig<typeof IMAGE_GROUPS> & { readonly defaults: ConfigOf<readonly [typeof imageDefaultGroup]>['DEFAULT'] };

/**
 * Loads glance-api.conf. The common loader owns [DEFAULT] with the options every service
 * shares; glance keeps image_size_cap and hashing_algorithm there too, so that section is
 * read a second time with them declared (and the common loader's "unknown option" warnings
 * about them dropped).
 */
export function loadImageConfig(files: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ImageConfig {
  const loaded = loadServiceConfig({ files, databaseFile: 'glance.db', groups: IMAGE_GROUPS, env });
  let defaults;
  try {
    defaults = loadConfig({ files, groups: [imageDefaultGroup], env }).config.DEFAULT;
  } catch (error) {
    if (error instanceof ConfigError) throw new ServiceConfigError(error.message, { cause: error });
    throw error;
  }
  const ours = Object.keys(imageDefaultOptions).map((name) => `: [DEFAULT] ${name}: unknown option`);
  const warnings = loaded.warnings.filter((warning) => !ours.some((marker) => warning.includes(marker)));
  return { ...loaded, warnings, defaults };
}
