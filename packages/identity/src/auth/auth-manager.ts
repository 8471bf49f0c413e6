// POST /v3/auth/tokens: run the auth methods, resolve the scope, issue the token
// (keystone/api/auth.py, keystone/auth/plugins/*, keystone/api/_shared/authentication.py).
import type { Domain, Project, User } from '../storage/types.ts';
import { ForbiddenError, IdentityError, NotFoundError, UnauthorizedError, findOrNull } from '../errors.ts';
import type { ApplicationCredentialManager } from '../application-credential/application-credential-manager.ts';
import type { AssignmentManager } from '../assignment/assignment-manager.ts';
import type { IdentityManager } from '../identity/identity-manager.ts';
import type { OAuth1Manager } from '../oauth1/oauth1-manager.ts';
import type { SignedRequest } from '../oauth1/signature.ts';
import type { ResourceManager } from '../resource/resource-manager.ts';
import type { TrustManager } from '../trust/trust-manager.ts';
import type { Trust } from '../storage/types.ts';
import type { TokenProvider, TokenScope, ValidatedToken } from '../token/token-provider.ts';
import { isDelegatedMethod } from '../token/delegation.ts';
import type { AuthRequest, NamedRef, ScopeRequest } from './auth-body.ts';

/** Methods Baton implements; others in [auth] methods are refused as unsupported. */
const IMPLEMENTED = new Set(['password', 'token', 'application_credential', 'oauth1']);

export interface AuthManagerDeps {
  identity: IdentityManager;
  resource: ResourceManager;
  assignment: AssignmentManager;
  applicationCredentials: ApplicationCredentialManager;
  oauth1: OAuth1Manager;
  trusts: TrustManager;
  tokens: TokenProvider;
}

export interface AuthOptions {
  /** [auth] methods. */
  methods: readonly string[];
  /** [token] allow_rescope_scoped_token. */
  allowRescopeScopedToken: boolean;
}

/** What the identity methods established before scoping. */
interface Authenticated {
  user: User;
  methods: string[];
  expiresAt?: number;
  parentAuditIds?: readonly string[];
  source?: ValidatedToken;
}

export class AuthManager {
  readonly #deps: AuthManagerDeps;
  readonly #options: AuthOptions;

  constructor(deps: AuthManagerDeps, options: AuthOptions) {
    this.#deps = deps;
    this.#options = options;
  }

  /** `signed` is the HTTP request itself, which the oauth1 method reads. */
  async authenticate(request: AuthRequest, signed?: SignedRequest): Promise<ValidatedToken> {
    const unsupported = request.methods.filter((m) => !this.#options.methods.includes(m) || !IMPLEMENTED.has(m));
    if (unsupported.length > 0 || request.methods.length === 0) {
      throw new UnauthorizedError('Attempted to authenticate with an unsupported method.', {
        extra: { identity: { methods: this.#options.methods.filter((m) => IMPLEMENTED.has(m)) } },
      });
    }
    if (request.applicationCredential !== undefined) return this.#applicationCredential(request);
    if (request.oauth1 !== undefined) return this.#oauth1(signed);

    const results: Authenticated[] = [];
    if (request.password !== undefined) results.push(await this.#password(request.password.user, request.password.password));
    if (request.token !== undefined) results.push(await this.#token(request.token.id, request.scope));
    const first = results[0] as Authenticated;
    if (results.some((r) => r.user.id !== first.user.id)) throw new UnauthorizedError();
    const token = results.find((r) => r.source !== undefined);
    const methods = [...new Set(results.flatMap((r) => r.methods))];
    const trust = request.scope.kind === 'trust' ? await this.#trust(request.scope.id) : undefined;
    const scope = trust === undefined ? await this.#scope(request.scope, first.user, token?.source) : await this.#trustScope(trust);
    const issued = await this.#deps.tokens.issue({
      user: first.user,
      methods,
      scope,
      ...(token?.expiresAt !== undefined ? { expiresAt: token.expiresAt } : {}),
      ...(token?.parentAuditIds !== undefined ? { parentAuditIds: token.parentAuditIds } : {}),
      ...(trust !== undefined ? { trust } : {}),
    });
    // As Keystone: a use is taken only once the token is made.
    if (trust !== undefined) await this.#deps.trusts.consumeUse(trust.id);
    return issued;
  }

  /** A trust that is gone, expired or used up is a 401 here, as in Keystone. */
  async #trust(id: string): Promise<Trust> {
    try {
      return await this.#deps.trusts.get(id);
    } catch (error) {
      if (error instanceof NotFoundError) throw new UnauthorizedError(undefined, { cause: error });
      throw error;
    }
  }

  /** A trust without a project scopes no token: Keystone looks its project up and answers 404. */
  async #trustScope(trust: Trust): Promise<TokenScope> {
    if (trust.projectId === null) throw NotFoundError.entity('project', 'None');
    return this.#projectScope({ id: trust.projectId });
  }

  #findUser(ref: NamedRef): Promise<User | null> {
    return findOrNull(async () => {
      if ('id' in ref) return this.#deps.identity.getUser(ref.id);
      const domain = await this.#findDomain(ref.domain);
      if (!domain.enabled) throw NotFoundError.entity('domain', domain.id);
      return this.#deps.identity.getUserByName(ref.name, domain.id);
    });
  }

  #findDomain(ref: { id: string } | { name: string }): Promise<Domain> {
    const { resource } = this.#deps;
    return 'id' in ref ? resource.getDomain(ref.id) : resource.getDomainByName(ref.name);
  }

  async #password(ref: NamedRef, password: string): Promise<Authenticated> {
    const user = await this.#deps.identity.authenticate(await this.#findUser(ref), password);
    const domain = await this.#deps.resource.getDomain(user.domainId);
    if (!domain.enabled) throw new UnauthorizedError();
    return { user, methods: ['password'] };
  }

  async #token(tokenId: string, scope: ScopeRequest): Promise<Authenticated> {
    let source: ValidatedToken;
    try {
      // An expired token can never be exchanged: no allow_expired window here.
      source = await this.#deps.tokens.validate(tokenId, { allowExpired: false });
    } catch (error) {
      if (error instanceof NotFoundError) throw new UnauthorizedError(undefined, { cause: error });
      throw error;
    }
    if (source.accessToken !== null) {
      throw ForbiddenError.forAction('Using OAuth-scoped token to create another token. Create a new OAuth-scoped token instead');
    }
    if (source.trust !== null) {
      throw ForbiddenError.forAction('Using trust-scoped token to create another token. Create a new trust-scoped token instead');
    }
    // An application credential's, EC2's or any other narrow grant's token widens to no other scope.
    if (isDelegatedMethod(source)) throw ForbiddenError.forAction('Using a delegated token to create another token is not allowed.');
    const rescoping = scope.kind !== 'none';
    if (rescoping && source.scope.kind !== 'unscoped') {
      if (!this.#options.allowRescopeScopedToken) throw new ForbiddenError('Rescoping scoped token is not allowed.');
      if (source.scope.kind === 'system' && scope.kind !== 'system') {
        throw new ForbiddenError('Re-scoping a system-scoped token to a project or domain is not allowed.');
      }
    }
    return {
      user: source.user,
      methods: [...new Set([...source.methods, 'token'])],
      expiresAt: source.expiresAt,
      parentAuditIds: source.auditIds,
      source,
    };
  }

  async #applicationCredential(request: AuthRequest): Promise<ValidatedToken> {
    const ref = request.applicationCredential;
    if (ref === undefined) throw new TypeError('no application credential in request');
    const fail = (): never => {
      throw new UnauthorizedError(undefined, { extra: { identity: { methods: ['application_credential'] } } });
    };
    if (request.scope.kind !== 'none') fail();
    const { applicationCredentials, identity } = this.#deps;
    let credential;
    try {
      if ('id' in ref) credential = await applicationCredentials.get(ref.id);
      else {
        const user = await this.#findUser(ref.user);
        if (user === null) return fail();
        credential = await applicationCredentials.getByName(ref.name, user.id);
      }
    } catch (error) {
      if (error instanceof NotFoundError) return fail();
      throw error;
    }
    const user = await identity.getUser(credential.userId);
    await applicationCredentials.authenticate(credential, ref.secret, user);
    const scope = await this.#projectScope({ id: credential.projectId });
    return this.#deps.tokens.issue({
      user,
      methods: ['application_credential'],
      scope,
      applicationCredential: credential,
    });
  }

  /** An OAuth1 access token's project, with the roles it carries; a scope in the body is ignored, as by Keystone. */
  async #oauth1(signed: SignedRequest | undefined): Promise<ValidatedToken> {
    if (signed === undefined) throw new UnauthorizedError();
    const accessToken = await this.#deps.oauth1.authenticate(signed);
    const user = await this.#deps.identity.getUser(accessToken.authorizingUserId);
    if (!user.enabled) throw new UnauthorizedError();
    const scope = await this.#projectScope({ id: accessToken.projectId });
    return this.#deps.tokens.issue({ user, methods: ['oauth1'], scope, accessToken });
  }

  /** Scope lookups fail with 401, never 404, so names cannot be probed (spec A.1). */
  async #scope(request: ScopeRequest, user: User, source?: ValidatedToken): Promise<TokenScope> {
    switch (request.kind) {
      case 'unscoped':
        return { kind: 'unscoped' };
      case 'system':
        return { kind: 'system' };
      case 'project':
        return this.#projectScope(request.ref);
      case 'domain':
        return this.#domainScope(request.ref);
      case 'trust':
        throw new TypeError('a trust scope is resolved by #trustScope');
      case 'none':
        if (source !== undefined) return source.scope;
        return this.#defaultScope(user);
    }
  }

  async #projectScope(ref: NamedRef): Promise<TokenScope> {
    const { resource } = this.#deps;
    let project: Project;
    try {
      project =
        'id' in ref
          ? await resource.getProject(ref.id)
          : await resource.getProjectByName(ref.name, (await this.#findDomain(ref.domain)).id);
    } catch (error) {
      if (error instanceof IdentityError && error.status === 404) throw new UnauthorizedError(undefined, { cause: error });
      throw error;
    }
    const domain = await resource.getDomain(project.domainId);
    if (!project.enabled || !domain.enabled) throw new UnauthorizedError();
    return { kind: 'project', project, domain };
  }

  async #domainScope(ref: { id: string } | { name: string }): Promise<TokenScope> {
    let domain: Domain;
    try {
      domain = await this.#findDomain(ref);
    } catch (error) {
      if (error instanceof NotFoundError) throw new UnauthorizedError(undefined, { cause: error });
      throw error;
    }
    if (!domain.enabled) throw new UnauthorizedError();
    return { kind: 'domain', domain };
  }

  /** No scope asked: the user's default project when usable, else unscoped (silently). */
  async #defaultScope(user: User): Promise<TokenScope> {
    if (user.defaultProjectId === null) return { kind: 'unscoped' };
    try {
      const scope = await this.#projectScope({ id: user.defaultProjectId });
      if (scope.kind !== 'project') return { kind: 'unscoped' };
      const roles = await this.#deps.assignment.roleIdsOnProject(user.id, scope.project);
      return roles.length > 0 ? scope : { kind: 'unscoped' };
    } catch (error) {
      if (error instanceof UnauthorizedError) return { kind: 'unscoped' };
      throw error;
    }
  }
}
