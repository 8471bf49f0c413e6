// Identity v3 `application_credential` method: by credential id, or by name plus its owner.
// The token's scope is the credential's project, so no scope is sent.
import type { AccessInfo } from '../access.ts';
import type { Session } from '../session.ts';
import { IdentityPlugin } from './identity-plugin.ts';
import { describeUser, userRef, type UserOptions } from './password-auth.ts';
import { issueToken, v3Url, type V3CommonOptions } from './v3-request.ts';

export interface ApplicationCredentialAuthOptions extends V3CommonOptions, UserOptions {
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret: string;
}

export class ApplicationCredentialAuth extends IdentityPlugin {
  readonly #authUrl: string;
  readonly #includeCatalog: boolean;
  readonly #credential: Record<string, unknown>;
  readonly #who: string;

  constructor(options: ApplicationCredentialAuthOptions) {
    super();
    this.#authUrl = v3Url(options.authUrl);
    this.#includeCatalog = options.includeCatalog ?? true;
    if (typeof options.applicationCredentialSecret !== 'string') {
      throw new TypeError('ApplicationCredentialAuth: applicationCredentialSecret is required');
    }
    if (options.applicationCredentialId !== undefined) {
      this.#credential = { id: options.applicationCredentialId, secret: options.applicationCredentialSecret };
      this.#who = `application credential '${options.applicationCredentialId}'`;
    } else if (options.applicationCredentialName !== undefined) {
      const user = userRef(options, 'ApplicationCredentialAuth');
      this.#credential = { name: options.applicationCredentialName, user, secret: options.applicationCredentialSecret };
      this.#who = `application credential '${options.applicationCredentialName}' of ${describeUser(options)}`;
    } else {
      throw new TypeError('ApplicationCredentialAuth: applicationCredentialId or applicationCredentialName is required');
    }
  }

  protected authenticate(session: Session): Promise<AccessInfo> {
    return issueToken(session, {
      authUrl: this.#authUrl,
      includeCatalog: this.#includeCatalog,
      methods: ['application_credential'],
      identity: { application_credential: this.#credential },
      scope: undefined,
      who: this.#who,
    });
  }
}
