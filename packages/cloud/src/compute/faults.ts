// Turning a job's failed cross-service call into the fault an operator can act on: which
// call failed, why, and which option in which file fixes it.
import { InterServiceError } from '../common/inter-service.ts';

export interface FaultText {
  readonly message: string;
  readonly details: string;
}

export interface FaultSources {
  /** The compute service's config file, named in the advice. */
  readonly novaConf: string;
}

function when(ms: number): string {
  return new Date(ms).toISOString();
}

/** Why the call failed, in words; `tokenExpiresAt` is the user token's expiry (epoch ms). */
export function describeFault(error: unknown, tokenExpiresAt: number, sources: FaultSources): FaultText {
  if (!(error instanceof InterServiceError)) {
    return { message: error instanceof Error ? error.message : String(error), details: '' };
  }
  const call = error.call;
  const what = `${call.method} ${call.serviceType} ${call.path}`;
  const answer = call.status === null ? `got no answer (${call.error ?? 'no response'})` : `answered ${call.status}${call.error === null ? '' : ` (${call.error})`}`;
  const message = `${what} ${answer}`;
  if (call.status !== 401 || call.as === 'service') return { message, details: `The ${call.serviceType} service refused the call made ${call.as === 'service' ? "with compute's own credentials" : 'as the user'}.` };
  if (call.userTokenExpired && !call.serviceToken) {
    return {
      message,
      details:
        `The user's token expired at ${when(tokenExpiresAt)}, before this call, and no service token went with it, so ` +
        `${call.serviceType} rejected it. Set [service_user] send_service_user_token = true (with the service user's ` +
        `credentials in [service_user]) in ${sources.novaConf}, so compute sends its own fresh token beside the user's ` +
        'and long jobs outlive the user token.',
    };
  }
  if (call.serviceToken && call.userTokenExpired) {
    return {
      message,
      details:
        `The user's token (expired at ${when(tokenExpiresAt)}) was rejected even with a valid service token: it was ` +
        'revoked, or it expired longer ago than identity allows expired tokens with a service token. Raise [token] ' +
        "allow_expired_window in identity's keystone.conf if jobs run longer than it, or start the job again with a new token.",
    };
  }
  return {
    message,
    details: call.serviceToken
      ? "The user's token was rejected although it had not expired and a service token went with it: it was revoked (the user was disabled, the token or its roles were revoked)."
      : `The user's token was rejected before its expiry (${when(tokenExpiresAt)}): it was revoked.`,
  };
}
