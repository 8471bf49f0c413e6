// The groups a service (compute, block-storage, an echo service) reads from its own file:
// how it logs ([DEFAULT] debug, log_file), how it receives tokens ([keystone_authtoken]) and
// how it sends them ([service_user]).
import { defineGroup } from '../group.ts';
import { defaultGroup } from './default.ts';
import { keystoneAuthtokenGroup } from './keystone-authtoken.ts';
import { serviceUserGroup } from './service-user.ts';

/**
 * [DEFAULT] of a service's own file: only oslo.log's two options, the ones
 * loadAuthTokenConfig hands to @baton/logging. Same declarations as identity's, so one help text.
 */
export const serviceLoggingGroup = defineGroup('DEFAULT', {
  help: "The service's log (read by loadAuthTokenConfig for createServiceLogger).",
  options: { debug: defaultGroup.options.debug, log_file: defaultGroup.options.log_file },
});

export const serviceGroups = [serviceLoggingGroup, keystoneAuthtokenGroup, serviceUserGroup] as const;

/** First line of etc/service.conf.sample. */
export const SERVICE_SAMPLE_TITLE = "Sample of a service's own file ([DEFAULT] logging, [keystone_authtoken], [service_user]) for Baton.";
