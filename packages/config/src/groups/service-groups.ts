// The groups a service (compute, block-storage, an echo service) reads from its own file:
// how it receives tokens ([keystone_authtoken]) and how it sends them ([service_user]).
import { keystoneAuthtokenGroup } from './keystone-authtoken.ts';
import { serviceUserGroup } from './service-user.ts';

export const serviceGroups = [keystoneAuthtokenGroup, serviceUserGroup] as const;

/** First line of etc/service.conf.sample. */
export const SERVICE_SAMPLE_TITLE = "Sample of a service's own file ([keystone_authtoken], [service_user]) for Baton.";
