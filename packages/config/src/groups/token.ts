import { defineGroup } from '../group.ts';
import { cachingOpts } from './caching.ts';
import { boolOpt, intOpt, strOpt } from '../opts.ts';

export const tokenGroup = defineGroup('token', {
  help: 'Issued tokens: lifetime, format and validation caching.',
  options: {
    expiration: intOpt({
      default: 3600,
      min: 0,
      help:
        'Lifetime of a new token, in seconds. A short lifetime limits what a leaked bearer token can ' +
        'do but makes clients authenticate more often; operations that hand a token from service to ' +
        'service need it to outlive them.',
    }),
    provider: strOpt({
      default: 'fernet',
      choices: ['fernet'],
      help: "Token format. Baton implements Fernet only; Keystone's other provider, jws, is not supported.",
    }),
    allow_expired_window: intOpt({
      default: 172800,
      help:
        'Seconds past its expiry during which a token still validates when the caller asks for that ' +
        'explicitly (allow_expired), so long operations started with it can finish. Two days by default.',
    }),
    revoke_by_id: boolOpt({
      default: true,
      help:
        'When false, the obsolete revoked-token list (GET /v3/auth/tokens/OS-PKI/revoked) answers ' +
        '410 Gone instead of 403, as in Keystone. Revoking a token (DELETE /v3/auth/tokens) works ' +
        'either way: revocation events are checked at every validation, whatever the token cache holds.',
    }),
    allow_rescope_scoped_token: boolOpt({
      default: true,
      help:
        'Allow a project- or domain-scoped token to be exchanged for one with another scope. When ' +
        'false only unscoped tokens can be rescoped, so clients authenticate again for each scope.',
    }),
    ...cachingOpts('token validations'),
  },
});
