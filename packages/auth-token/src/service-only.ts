// Service-only APIs: the check cinder added for bug 2004555 (a call must come with a valid
// service token whose roles meet service_token_roles), usable from any adapter.
import type { AuthContext } from './context.ts';
import { ServiceTokenRequiredError } from './errors.ts';
import { errorResponse, type ErrorResponse } from './responses.ts';

/** True when a confirmed X-Service-Token carrying one of service_token_roles came with the call. */
export function isServiceRequest(context: AuthContext | null | undefined): boolean {
  return context?.isService === true;
}

/** Throws ServiceTokenRequiredError unless `isServiceRequest(context)`. */
export function requireServiceToken(context: AuthContext | null | undefined): void {
  if (context === null || context === undefined) {
    throw new TypeError('requireServiceToken: no auth context; is the auth-token middleware installed in front of this route?');
  }
  if (!context.isService) throw new ServiceTokenRequiredError(context.serviceTokenRoles);
}

/** The 403 a service-only route answers when the check fails. */
export function serviceTokenRequiredResponse(error: ServiceTokenRequiredError): ErrorResponse {
  return errorResponse(403, error.message);
}
