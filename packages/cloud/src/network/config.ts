// The network service's own options, with neutron's names: both live in neutron.conf's
// [DEFAULT], as in neutron.
import { intOpt, strOpt } from '@baton/config';
import { commonServiceGroups, ServiceConfigError } from '../common/config.ts';
import { loadServiceConfigWithDefaults, withDefaultOptions, type ServiceConfigWithDefaults } from '../image/config.ts';

export const networkDefaultOptions = {
  base_mac: strOpt({
    default: 'fa:16:3e:00:00:00',
    help:
      "Base MAC address of ports. The first octets that are not '00' are kept in every MAC; the '00' ones are " +
      'chosen at random per port (fa:16:3e:00:00:00 gives fa:16:3e:xx:xx:xx).',
  }),
  global_physnet_mtu: intOpt({
    default: 1500,
    min: 68,
    max: 65535,
    help: 'MTU of the underlying physical network: the MTU of a network unless it asks for less, and the most it may ask for.',
  }),
};

/** neutron.conf's [DEFAULT]: the options every service shares plus neutron's own. */
export const networkDefaultGroup = withDefaultOptions(networkDefaultOptions);

export const NETWORK_GROUPS = [] as const;

export type NetworkConfig = ServiceConfigWithDefaults<typeof NETWORK_GROUPS, typeof networkDefaultOptions>;

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

export function loadNetworkConfig(files: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): NetworkConfig {
  const config = loadServiceConfigWithDefaults({ files, env, databaseFile: 'neutron.db', groups: NETWORK_GROUPS, defaultOptions: networkDefaultOptions });
  if (!MAC.test(config.defaults.base_mac)) {
    throw new ServiceConfigError(`${files[files.length - 1] ?? 'config'}: [DEFAULT] base_mac: ${JSON.stringify(config.defaults.base_mac)} is not a MAC address like fa:16:3e:00:00:00`);
  }
  return config;
}

/** The groups with neutron's own options, for docs/network.md (the common ones are in docs/cloud.md). */
export const NETWORK_OWN_GROUPS = [networkDefaultGroup, ...NETWORK_GROUPS] as const;

/** Every group of neutron.conf, in file order: for etc/neutron.conf.sample. */
export function networkFileGroups() {
  const [, ...common] = commonServiceGroups('neutron.db');
  return [networkDefaultGroup, ...common, ...NETWORK_GROUPS] as const;
}

/** First line of etc/neutron.conf.sample. */
export const NETWORK_SAMPLE_TITLE = "Sample neutron.conf for Baton's network service (baton network serve).";
