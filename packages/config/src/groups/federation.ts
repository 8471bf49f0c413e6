import { defineGroup } from '../group.ts';
import { cachingOpts } from './caching.ts';

export const federationGroup = defineGroup('federation', {
  help:
    'OS-FEDERATION: identity providers, protocols, mappings and service providers. Baton serves their ' +
    'API; federated authentication itself (the mapped method, SAML, OpenID Connect) is not implemented.',
  options: {
    ...cachingOpts("the enabled service providers listed in every token's service_providers"),
  },
});
