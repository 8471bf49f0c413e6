// neutron names each error by its exception class ("NetworkNotFound", "IpAddressAlreadyAllocated")
// and clients read that name from {"NeutronError": {"type", "message", "detail"}}. These
// are the common cloud errors with that name attached; the network app renders them.
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../common/errors.ts';

export interface NeutronTyped {
  readonly neutronType: string;
}

export class NeutronNotFound extends NotFoundError implements NeutronTyped {
  constructor(readonly neutronType: string, message: string) {
    super(message);
  }
}

export class NeutronConflict extends ConflictError implements NeutronTyped {
  constructor(readonly neutronType: string, message: string) {
    super(message);
  }
}

export class NeutronBadRequest extends BadRequestError implements NeutronTyped {
  readonly neutronType = 'InvalidInput';
  constructor(detail: string) {
    super(`Invalid input for operation: ${detail}.`);
  }
}

export class NeutronForbidden extends ForbiddenError implements NeutronTyped {
  readonly neutronType = 'PolicyNotAuthorized';
  constructor(rule: string) {
    super(`(${rule}) is disallowed by policy`);
  }
}

export function notFound(kind: 'Network' | 'Subnet' | 'Port', id: string): NeutronNotFound {
  return new NeutronNotFound(`${kind}NotFound`, `${kind} ${id} could not be found.`);
}

/** The type neutron gives an error of this status when no exception names it (webob's class). */
export function neutronTypeOf(error: { status: number } & Partial<NeutronTyped>): string {
  if (error.neutronType !== undefined) return error.neutronType;
  const byStatus: Record<number, string> = {
    400: 'HTTPBadRequest',
    401: 'HTTPUnauthorized',
    403: 'HTTPForbidden',
    404: 'HTTPNotFound',
    409: 'HTTPConflict',
    413: 'HTTPRequestEntityTooLarge',
  };
  return byStatus[error.status] ?? 'HTTPInternalServerError';
}
