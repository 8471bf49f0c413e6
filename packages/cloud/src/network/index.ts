// The network service (neutron's v2.0 networks, subnets and ports API).
export { startNetwork, NETWORK_DEFAULT_PORT } from './service.ts';
export { networkFileGroups, NETWORK_OWN_GROUPS, NETWORK_SAMPLE_TITLE } from './config.ts';
