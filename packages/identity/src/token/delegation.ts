// Keystone's split of a token's auth methods into primary and delegated
// (keystone/api/_shared/delegation.py): the guards on trusts, credentials, OAuth1 access
// tokens, application credentials and token exchange refuse what a delegation could use to
// widen itself or outlive its own scope (LP#2153453, LP#2158538, LP#2159643).
import type { ValidatedToken } from './token-provider.ts';

/** Methods that prove the user themself; any other method, even a future one, is delegated. */
const PRIMARY_METHODS = new Set(['external', 'kerberos', 'mapped', 'openid', 'password', 'saml2', 'token', 'totp', 'x509']);

/**
 * Got with an application credential, EC2 or OAuth1 (a method that is not a primary one), or
 * with no method at all: a token whose methods were lost must not pass as a primary one.
 */
export function isDelegatedMethod(token: Pick<ValidatedToken, 'methods'>): boolean {
  return token.methods.length === 0 || token.methods.some((m) => !PRIMARY_METHODS.has(m));
}

/** A delegated method, or trust-scoped: such a token mints no lasting secret (credentials, access tokens). */
export function isDelegated(token: Pick<ValidatedToken, 'methods' | 'trust'>): boolean {
  return token.trust !== null || isDelegatedMethod(token);
}
