// Issue, validate and revoke Fernet tokens (keystone/token/provider.py). Nothing about
// a token is stored: validation decrypts it, checks the expiry window and revocation
// events, then "mints" it again from current data (keystone/models/token_model.py), so
// roles and enabled flags are as of now, not as of issue.
import { LRUCache } from 'lru-cache';
import { TokenInvalidError, isWithinWindow, newAuditId } from '@baton/tokens';
import type { ParsedToken, TokenFormatter, TokenPayload } from '@baton/tokens';
import type { AccessToken, ApplicationCredential, Domain, Project, Role, Trust, User } from '../storage/types.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.ts';
import type { AssignmentManager } from '../assignment/assignment-manager.ts';
import type { IdentityManager } from '../identity/identity-manager.ts';
import type { ResourceManager } from '../resource/resource-manager.ts';
import type { ApplicationCredentialManager } from '../application-credential/application-credential-manager.ts';
import type { OAuth1Manager } from '../oauth1/oauth1-manager.ts';
import type { TrustManager } from '../trust/trust-manager.ts';
import type { RevocableToken, RevocationEvents, RevocationManager } from './revocation-manager.ts';
import type { CacheRegion, IdentityCache } from '../cache.ts';

export type TokenScope =
  | { kind: 'unscoped' }
  | { kind: 'project'; project: Project; domain: Domain }
  | { kind: 'domain'; domain: Domain }
  | { kind: 'system' };

/** A token that decrypted, is inside its window, is not revoked and minted cleanly. */
export interface ValidatedToken {
  id: string;
  issuedAt: number;
  expiresAt: number;
  methods: string[];
  auditIds: string[];
  user: User;
  userDomain: Domain;
  scope: TokenScope;
  roles: Role[];
  applicationCredential: ApplicationCredential | null;
  /** The OS-OAUTH1 access token an oauth1 token was got with. */
  accessToken: AccessToken | null;
  /** The trust of a trust-scoped token (its scope is the trust's project; `user` is the trustee). */
  trust: TokenTrust | null;
}

/** A trust-scoped token's trust and its trustor, whom an impersonating token names as its user. */
export interface TokenTrust {
  trust: Trust;
  trustor: User;
  trustorDomain: Domain;
}

export interface IssueRequest {
  user: User;
  methods: string[];
  scope: TokenScope;
  /** Re-scoping keeps the original expiry (it never extends a token's life). */
  expiresAt?: number;
  /** The audit chain of the token being exchanged, if any. */
  parentAuditIds?: readonly string[];
  applicationCredential?: ApplicationCredential;
  accessToken?: AccessToken;
  /** A trust-scoped token: `user` is the trustee and `scope` the trust's project. */
  trust?: Trust;
}

export interface TokenProviderOptions {
  /** [token] expiration, seconds. */
  expiration: number;
  /** [token] allow_expired_window, seconds. */
  allowExpiredWindow: number;
}

export interface TokenProviderDeps {
  formatter: TokenFormatter;
  /** The keys the formatter opens tokens with (FernetKeyRepository.loadKeys). */
  keys: () => Uint8Array[];
  identity: IdentityManager;
  resource: ResourceManager;
  assignment: AssignmentManager;
  applicationCredentials: ApplicationCredentialManager;
  oauth1: OAuth1Manager;
  trusts: TrustManager;
  revocations: RevocationManager;
  /**
   * [token], [role], [identity] and [resource] caching: minted tokens, effective roles, and the
   * users, projects and domains a mint reads. Revocation events are checked on every validation
   * regardless, so a revoked token or a disabled user is refused whatever these hold.
   */
  cache: IdentityCache;
}

const MINT_CACHE_SIZE = 10_000;
/** Users, projects and domains kept for minting. */
const ENTITY_CACHE_SIZE = 10_000;
/** Opened tokens kept per key set: decrypting is a large part of a validation. */
const PARSE_CACHE_SIZE = 10_000;

const FAILED = 'Failed to validate token';

/** What a TokenCheck uses of its TokenProvider (made once per provider). */
interface CheckSupport {
  readonly keys: () => Uint8Array[];
  /** Opens a token (memoised for as long as `keys` is the current key set). */
  readonly parse: (tokenId: string, keys: readonly Uint8Array[]) => ParsedToken;
  /** The memoised minted token for an opened one. */
  readonly mint: (id: string, parsed: ParsedToken) => Promise<ValidatedToken>;
  readonly revocations: RevocationManager;
  readonly allowExpiredWindow: number;
}

/**
 * Validation for the tokens of one request (X-Auth-Token and X-Subject-Token): the key
 * repository is read once for all of them, and so are the revocation events, from the
 * oldest token's issue time on. Both reads happen while the request is handled, so they
 * are as live as reading them per token. Made by TokenProvider.check.
 */
/** The lowest OpenStack-Identity-Access-Rules version that enforces access rules (keystonemiddleware's). */
const ACCESS_RULES_MIN_VERSION = 1.0;

/**
 * A token of an application credential with access rules is valid only to a validator that
 * says (OpenStack-Identity-Access-Rules: 1.0 or later) it enforces them, as in Keystone;
 * `support` is that header, null when absent (Keystone's own callers never send it).
 */
export function assertAccessRulesSupported(token: ValidatedToken, support: string | null): void {
  if (token.applicationCredential?.accessRules === undefined) return;
  const version = support === null ? Number.NaN : Number.parseFloat(support);
  if (!(version >= ACCESS_RULES_MIN_VERSION)) throw new NotFoundError(FAILED);
}

export class TokenCheck {
  readonly #support: CheckSupport;
  readonly #tokenIds: readonly (string | null)[];
  #keys: readonly Uint8Array[] | undefined;
  #events: Promise<RevocationEvents> | undefined;

  constructor(support: CheckSupport, tokenIds: readonly (string | null)[]) {
    this.#support = support;
    this.#tokenIds = tokenIds;
  }

  /**
   * Validates a token. With `allowExpired`, a token past its expiry is still good
   * until expires_at + [token] allow_expired_window; revocation applies either way.
   */
  async validate(tokenId: string, options: { allowExpired: boolean }): Promise<ValidatedToken> {
    const parsed = this.#parse(tokenId);
    const window = options.allowExpired ? this.#support.allowExpiredWindow : 0;
    if (!isWithinWindow(parsed.payload.expiresAt, Date.now() / 1000, window)) throw new NotFoundError(FAILED);
    const token = await this.#support.mint(tokenId.trim(), parsed);
    // A minted token may be remembered past its trust's expiry, which no write announces.
    const trust = token.trust?.trust;
    if (trust?.expiresAt != null && Date.now() / 1000 > trust.expiresAt) throw NotFoundError.entity('trust', trust.id);
    if (await this.#isRevoked(revocable(token))) throw new NotFoundError(FAILED);
    return token;
  }

  #parse(tokenId: string): ParsedToken {
    this.#keys ??= this.#support.keys();
    return this.#support.parse(tokenId, this.#keys);
  }

  async #isRevoked(token: RevocableToken): Promise<boolean> {
    const { revocations } = this.#support;
    this.#events ??= revocations.eventsSince(this.#oldest(token.issuedAt));
    const events = await this.#events;
    return (events.covers(token) ? events : await revocations.eventsSince(token.issuedAt)).isRevoked(token);
  }

  /** The oldest of `issuedAt` and the issue times of the check's tokens that open. */
  #oldest(issuedAt: number): number {
    let oldest = issuedAt;
    for (const id of this.#tokenIds) {
      try {
        if (id !== null) oldest = Math.min(oldest, this.#parse(id).issuedAt);
      } catch {
        // A token that does not open is refused when it is validated; it bounds nothing.
      }
    }
    return oldest;
  }
}

export class TokenProvider {
  readonly #deps: TokenProviderDeps;
  readonly #options: TokenProviderOptions;
  readonly #minted: CacheRegion<ValidatedToken>;
  /** Effective roles per user and scope: issue and validation both need them. */
  readonly #roleMemo: CacheRegion<Role[]>;
  readonly #users: CacheRegion<User>;
  /** Projects and domains, keyed by kind and id. */
  readonly #resources: CacheRegion<Project | Domain>;
  readonly #parsed = new LRUCache<string, ParsedToken>({ max: PARSE_CACHE_SIZE });
  /** The key set the entries of #parsed were opened with. */
  #parsedWith: readonly Uint8Array[] = [];
  readonly #checkSupport: CheckSupport;

  constructor(deps: TokenProviderDeps, options: TokenProviderOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#minted = deps.cache.region('token', MINT_CACHE_SIZE);
    this.#roleMemo = deps.cache.region('role', MINT_CACHE_SIZE);
    this.#users = deps.cache.region('identity', ENTITY_CACHE_SIZE);
    this.#resources = deps.cache.region('resource', ENTITY_CACHE_SIZE);
    this.#checkSupport = {
      keys: deps.keys,
      parse: (tokenId, keys) => this.#parse(tokenId, keys),
      mint: (id, { payload, issuedAt }) => this.#minted.get(id, () => this.#mint(id, payload, issuedAt)),
      revocations: deps.revocations,
      allowExpiredWindow: options.allowExpiredWindow,
    };
  }

  async issue(request: IssueRequest): Promise<ValidatedToken> {
    const now = Date.now() / 1000;
    let expiresAt = request.expiresAt ?? Math.floor(now) + this.#options.expiration;
    const credential = request.applicationCredential;
    if (credential?.expiresAt != null) expiresAt = Math.min(expiresAt, credential.expiresAt);
    const auditIds = [newAuditId(), ...(request.parentAuditIds?.slice(-1) ?? [])];
    const delegation = credential ?? request.accessToken ?? null;
    const trust = request.trust === undefined ? null : await this.#tokenTrust(request.user, request.trust);
    // Keystone refuses the trust's token with 403 when the trustor lost a delegated role.
    const roles =
      trust !== null
        ? ((await this.#trustRoles(trust.trust)) ?? forbid('Trustee has no delegated roles.'))
        : await this.#roles(request.user, request.scope, delegation);
    if (request.scope.kind !== 'unscoped' && roles.length === 0) throw new UnauthorizedError();
    const payload = toPayload(request, expiresAt, auditIds);
    const { tokenId, issuedAt } = this.#deps.formatter.create(payload, { now });
    const userDomain = await this.#domain(request.user.domainId);
    return {
      id: tokenId,
      issuedAt,
      expiresAt,
      methods: request.methods,
      auditIds,
      user: request.user,
      userDomain,
      scope: request.scope,
      roles,
      applicationCredential: credential ?? null,
      accessToken: request.accessToken ?? null,
      trust,
    };
  }

  /** Validates one token (TokenCheck.validate). */
  validate(tokenId: string, options: { allowExpired: boolean }): Promise<ValidatedToken> {
    return this.check([tokenId]).validate(tokenId, options);
  }

  /** Validation for the tokens of one request, sharing one read of the keys and of the revocation events. */
  check(tokenIds: readonly (string | null)[]): TokenCheck {
    return new TokenCheck(this.#checkSupport, tokenIds);
  }

  /**
   * formatter.parse, remembered for as long as the key set is the same objects (the key
   * repository hands out new ones on any change). formatter.parse reads the keys again: if
   * they changed in between, the next check sees new objects and forgets this entry too.
   */
  #parse(tokenId: string, keys: readonly Uint8Array[]): ParsedToken {
    if (keys.length !== this.#parsedWith.length || keys.some((key, i) => key !== this.#parsedWith[i])) {
      this.#parsed.clear();
      this.#parsedWith = keys;
    }
    let parsed = this.#parsed.get(tokenId);
    if (parsed === undefined) {
      try {
        parsed = this.#deps.formatter.parse(tokenId);
      } catch (error) {
        if (error instanceof TokenInvalidError) throw new NotFoundError(error.message, { cause: error });
        throw new NotFoundError('Could not recognize Fernet token', { cause: error });
      }
      this.#parsed.set(tokenId, parsed);
    }
    return parsed;
  }

  async revoke(token: ValidatedToken): Promise<void> {
    await this.#deps.revocations.revoke({ auditId: token.auditIds[0] as string });
  }

  async #mint(id: string, payload: TokenPayload, issuedAt: number): Promise<ValidatedToken> {
    const { identity, applicationCredentials, oauth1 } = this.#deps;
    const user = await this.#users.get(payload.userId, () => identity.getUser(payload.userId));
    if (!user.enabled) throw new NotFoundError(FAILED);
    const userDomain = await this.#domain(user.domainId);
    const scope = await this.#scope(payload);
    if (!userDomain.enabled) throw NotFoundError.entity('domain', userDomain.id);
    const credential =
      payload.kind === 'application_credential'
        ? await applicationCredentials.get(payload.applicationCredentialId)
        : null;
    // A deleted access token (or its consumer) ends the tokens got with it.
    const accessToken = payload.kind === 'oauth1' ? await oauth1.getAccessToken(payload.accessTokenId) : null;
    const trust = payload.kind === 'trust' ? await this.#tokenTrust(user, await this.#deps.trusts.get(payload.trustId)) : null;
    const roles =
      trust !== null ? ((await this.#trustRoles(trust.trust)) ?? notFound()) : await this.#roles(user, scope, credential ?? accessToken);
    if (scope.kind !== 'unscoped' && roles.length === 0) throw new NotFoundError(FAILED);
    return {
      id,
      issuedAt,
      expiresAt: payload.expiresAt,
      methods: payload.methods,
      auditIds: payload.auditIds,
      user,
      userDomain,
      scope,
      roles,
      applicationCredential: credential,
      accessToken,
      trust,
    };
  }

  /** The trustor behind a trust-scoped token; the token's user must be the trustee. */
  async #tokenTrust(user: User, trust: Trust): Promise<TokenTrust> {
    if (user.id !== trust.trusteeUserId) throw new ForbiddenError('User is not a trustee.');
    const trustor = await this.#users.get(trust.trustorUserId, () => this.#deps.identity.getUser(trust.trustorUserId));
    const trustorDomain = await this.#domain(trustor.domainId);
    // Keystone revokes the trust's tokens when the trustor is disabled (a user event matches the trustor).
    if (!trustor.enabled || !trustorDomain.enabled) throw new NotFoundError(FAILED);
    return { trust, trustor, trustorDomain };
  }

  /**
   * The trust's roles and those they imply, each still held by the (original) trustor on the
   * project, without domain roles; null when the trustor lost one (the trust is void then).
   */
  async #trustRoles(trust: Trust): Promise<Role[] | null> {
    const { assignment, resource, trusts } = this.#deps;
    const original = (await trusts.pedigree(trust)).at(-1) as Trust;
    if (trust.projectId === null) return null;
    const held = new Set(await assignment.roleIdsOnProject(original.trustorUserId, await resource.getProject(trust.projectId)));
    const delegated = await assignment.expandImplied(trust.roleIds);
    if (delegated.some((id) => !held.has(id))) return null;
    const roles = await Promise.all(delegated.map((id) => assignment.getRole(id)));
    return roles.filter((role) => role.domainId === null);
  }

  async #scope(payload: TokenPayload): Promise<TokenScope> {
    switch (payload.kind) {
      case 'project':
      case 'oauth1':
      case 'trust':
      case 'application_credential': {
        const project = await this.#project(payload.projectId);
        if (!project.enabled) {
          throw new NotFoundError(`Unable to validate token because project ${project.id} is disabled`);
        }
        const domain = await this.#domain(project.domainId);
        if (!domain.enabled) throw NotFoundError.entity('domain', domain.id);
        return { kind: 'project', project, domain };
      }
      case 'domain': {
        const domain = await this.#domain(payload.domainId);
        if (!domain.enabled) throw NotFoundError.entity('domain', domain.id);
        return { kind: 'domain', domain };
      }
      case 'system':
        return { kind: 'system' };
      case 'unscoped':
        return { kind: 'unscoped' };
      default:
        throw new NotFoundError('Could not recognize Fernet token');
    }
  }

  #domain(id: string): Promise<Domain> {
    return this.#resources.get(`domain ${id}`, () => this.#deps.resource.getDomain(id)) as Promise<Domain>;
  }

  #project(id: string): Promise<Project> {
    return this.#resources.get(`project ${id}`, () => this.#deps.resource.getProject(id)) as Promise<Project>;
  }

  /** The user's roles on the scope; with a delegation (application credential, access token), only those it carries. */
  #roles(user: User, scope: TokenScope, delegation: Delegation | null): Promise<Role[]> {
    const target = scope.kind === 'project' ? scope.project.id : scope.kind === 'domain' ? scope.domain.id : scope.kind;
    const key = `${user.id} ${scope.kind} ${target} ${delegation?.id ?? ''}`;
    return this.#roleMemo.get(key, () => this.#computeRoles(user, scope, delegation));
  }

  async #computeRoles(user: User, scope: TokenScope, delegation: Delegation | null): Promise<Role[]> {
    const { assignment } = this.#deps;
    let ids: string[];
    switch (scope.kind) {
      case 'project':
        ids = await assignment.roleIdsOnProject(user.id, scope.project);
        break;
      case 'domain':
        ids = await assignment.roleIdsOnDomain(user.id, scope.domain.id);
        break;
      case 'system':
        ids = await assignment.roleIdsOnSystem(user.id);
        break;
      case 'unscoped':
        return [];
    }
    if (delegation !== null) {
      // A delegation carries the roles it was given, as long as the user still holds them.
      const delegated = await assignment.expandImplied(delegation.roleIds);
      ids = ids.filter((id) => delegated.includes(id));
    }
    return Promise.all(ids.map((id) => assignment.getRole(id)));
  }
}

/** What role computation needs of an application credential or an OAuth1 access token. */
type Delegation = Pick<ApplicationCredential | AccessToken, 'id' | 'roleIds'>;
function forbid(message: string): never {
  throw new ForbiddenError(message);
}

function notFound(): never {
  throw new NotFoundError(FAILED);
}

function revocable(token: ValidatedToken): RevocableToken {
  const { scope } = token;
  return {
    userId: token.user.id,
    userDomainId: token.user.domainId,
    projectId: scope.kind === 'project' ? scope.project.id : null,
    scopeDomainId: scope.kind === 'project' || scope.kind === 'domain' ? scope.domain.id : null,
    auditIds: token.auditIds,
    issuedAt: token.issuedAt,
  };
}

function toPayload(request: IssueRequest, expiresAt: number, auditIds: string[]): TokenPayload {
  const base = { userId: request.user.id, methods: request.methods, expiresAt, auditIds };
  const { scope } = request;
  if (request.trust !== undefined && scope.kind === 'project') {
    return { kind: 'trust', ...base, projectId: scope.project.id, trustId: request.trust.id };
  }
  if (request.applicationCredential !== undefined && scope.kind === 'project') {
    return {
      kind: 'application_credential',
      ...base,
      projectId: scope.project.id,
      applicationCredentialId: request.applicationCredential.id,
    };
  }
  if (request.accessToken !== undefined && scope.kind === 'project') {
    return { kind: 'oauth1', ...base, projectId: scope.project.id, accessTokenId: request.accessToken.id };
  }
  switch (scope.kind) {
    case 'project':
      return { kind: 'project', ...base, projectId: scope.project.id };
    case 'domain':
      return { kind: 'domain', ...base, domainId: scope.domain.id };
    case 'system':
      return { kind: 'system', ...base, system: 'all' };
    case 'unscoped':
      return { kind: 'unscoped', ...base };
  }
}

