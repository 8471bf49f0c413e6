// Identity v3 `password` method: user by id, or by name within a domain.
import type { AccessInfo } from '../access.ts';
import type { Session } from '../session.ts';
import { IdentityPlugin } from './identity-plugin.ts';
import { buildScope, domainRef, issueToken, v3Url, type ScopeOptions, type V3CommonOptions } from './v3-request.ts';

export interface PasswordAuthOptions extends V3CommonOptions, ScopeOptions {
  userId?: string;
  username?: string;
  userDomainId?: string;
  userDomainName?: string;
  password: string;
}

export class PasswordAuth extends IdentityPlugin {
  readonly #authUrl: string;
  readonly #includeCatalog: boolean;
  readonly #user: Record<string, unknown>;
  readonly #scope: Record<string, unknown> | undefined;
  readonly #who: string;

  constructor(options: PasswordAuthOptions) {
    super();
    this.#authUrl = v3Url(options.authUrl);
    this.#includeCatalog = options.includeCatalog ?? true;
    if (typeof options.password !== 'string') throw new TypeError('PasswordAuth: password is required');
    this.#user = userRef(options, 'PasswordAuth');
    this.#user['password'] = options.password;
    this.#scope = buildScope(options);
    this.#who = describeUser(options);
  }

  protected authenticate(session: Session): Promise<AccessInfo> {
    return issueToken(session, {
      authUrl: this.#authUrl,
      includeCatalog: this.#includeCatalog,
      methods: ['password'],
      identity: { password: { user: this.#user } },
      scope: this.#scope,
      who: this.#who,
    });
  }
}

export interface UserOptions {
  userId?: string;
  username?: string;
  userDomainId?: string;
  userDomainName?: string;
}

/** keystoneauth prefers the user id; a name is only unique within its domain. */
export function userRef(options: UserOptions, owner: string): Record<string, unknown> {
  if (options.userId !== undefined) return { id: options.userId };
  if (options.username === undefined) throw new TypeError(`${owner}: userId or username is required`);
  const domain = domainRef(options.userDomainId, options.userDomainName);
  if (domain === undefined) throw new TypeError(`${owner}: username needs userDomainId or userDomainName`);
  return { name: options.username, domain };
}

export function describeUser(options: UserOptions): string {
  if (options.userId !== undefined) return `user id '${options.userId}'`;
  return `user '${options.username}' in domain '${options.userDomainName ?? options.userDomainId}'`;
}
