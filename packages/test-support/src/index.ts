// @baton/test-support: what every package's tests, the interop tests and the benchmarks
// share: starting a process and waiting for it (one way), free ports, Baton's identity
// in-process or through its CLI, the real Keystone under uwsgi, memcached, the openstack CLI.
export * from './processes.ts';
export * from './free-port.ts';
export * from './identity.ts';
export * from './identity-api.ts';
export * from './identity-target.ts';
export * from './baton.ts';
export * from './keystone.ts';
export * from './memcached.ts';
export * from './openstack-cli.ts';
export * from './seed.ts';
export * from './uwsgi.ts';
export * from './counting-proxy.ts';
export * from './cloud.ts';
export * from './json-shape.ts';
export * from './ec2-signer.ts';
export * from './oauth1.ts';
