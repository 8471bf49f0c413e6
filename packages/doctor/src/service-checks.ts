// Checks of the services' own files: the sending side ([service_user], nova and cinder) and
// the receiving side ([keystone_authtoken], every service), from the files alone.
import { loadAuthFromConfig, SessionConfigError, type AuthPlugin, type AuthSectionValues } from '@baton/session';
import type { ServiceConfig } from './files.ts';
import type { Finding } from './findings.ts';

/** The services that send service tokens (nova's and cinder's [service_user]). */
const SOURCE_SERVICES = new Set(['nova', 'compute', 'cinder', 'block-storage', 'volume']);

export function isSource(service: ServiceConfig): boolean {
  return SOURCE_SERVICES.has(service.name) || service.serviceUser !== null;
}

/** A plugin from a section's options, or the finding that says what is missing. */
export function pluginOf(values: AuthSectionValues, section: string): AuthPlugin | SessionConfigError | null {
  try {
    return loadAuthFromConfig(values, section);
  } catch (error) {
    if (error instanceof SessionConfigError) return error;
    throw error;
  }
}

export function checkSource(service: ServiceConfig): Finding[] {
  const { file, serviceUser, serviceUserAuth } = service;
  if (!isSource(service)) return [];
  if (serviceUser === null) {
    const authUrl = service.authtoken?.auth_url ?? 'http://IDENTITY:5000/v3';
    return [{
      id: 'service-user-missing',
      severity: 'error',
      location: { file, section: 'service_user' },
      why: `${service.name} sends no service token, so its long operations fail once the user's token expires.`,
      fix: [
        'Add to the file:',
        '[service_user]',
        'send_service_user_token = true',
        'auth_type = password',
        `auth_url = ${authUrl}`,
        `username = ${service.name}`,
        'password = SECRET',
        'user_domain_name = Default',
        'project_name = service',
        'project_domain_name = Default',
      ].join('\n'),
    }];
  }
  const findings: Finding[] = [];
  if (serviceUser.send_service_user_token !== true) {
    findings.push({
      id: 'send-service-user-token-false',
      severity: 'error',
      location: { file, section: 'service_user', option: 'send_service_user_token' },
      why: `${service.name} does not send its service token (the default is false), so its long operations fail once the user's token expires.`,
      fix: 'send_service_user_token = true',
    });
  }
  if (serviceUserAuth !== null) {
    const plugin = pluginOf(serviceUserAuth.values, serviceUserAuth.section);
    if (!(plugin === null || plugin instanceof SessionConfigError)) return findings;
    findings.push({
      id: 'service-user-incomplete',
      severity: 'error',
      location: { file, section: plugin?.section ?? serviceUserAuth.section, option: plugin?.option ?? 'auth_type' },
      why: `The service user's credentials are incomplete (${plugin === null ? 'no auth_type' : plugin.message}), so ${service.name} cannot get a service token.`,
      fix: plugin === null ? 'auth_type = password' : `Set ${plugin.option} in [${plugin.section}].`,
    });
  }
  return findings;
}

export function checkReceiver(service: ServiceConfig): Finding[] {
  const { file, authtoken } = service;
  if (authtoken === null) return [];
  const findings: Finding[] = [];
  const section = 'keystone_authtoken';
  if (!authtoken.service_token_roles_required || !service.rolesRequiredWritten) {
    findings.push({
      id: 'service-token-roles-not-required',
      severity: 'warning',
      location: { file, section, option: 'service_token_roles_required' },
      why: service.rolesRequiredWritten
        ? `${service.name} accepts any valid token as a service's token, so any user can pass a second token of their own as X-Service-Token.`
        : `Unset, it is false in keystonemiddleware up to 10.x (true only in Baton), so ${service.name} may accept any valid token as a service's token.`,
      fix: 'service_token_roles_required = true',
    });
  }
  if ((authtoken.service_token_roles ?? []).length === 0) {
    findings.push({
      id: 'service-token-roles-empty',
      severity: 'error',
      location: { file, section, option: 'service_token_roles' },
      why: `No role marks a token as a service's, so ${service.name} never accepts an expired user token, even beside a valid service token.`,
      fix: 'service_token_roles = service',
    });
  }
  const plugin = pluginOf(authtoken, section);
  if (plugin === null || plugin instanceof SessionConfigError) {
    findings.push({
      id: 'authtoken-incomplete',
      severity: 'error',
      location: { file, section, option: plugin?.option ?? 'auth_type' },
      why: `${service.name}'s own credentials are incomplete (${plugin?.message ?? 'no auth_type'}), so it cannot validate any token it receives.`,
      fix: plugin === null ? 'auth_type = password' : `Set ${plugin.option} in [${section}].`,
    });
  }
  return findings;
}
