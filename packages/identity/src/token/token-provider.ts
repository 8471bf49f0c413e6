// Issue, validate and revoke Fernet tokens (keystone/token/provider.py). Nothing about
// a token is stored: validation decrypts it, checks the expiry window and revocation
// events, then "mints" it again from current data (keystone/models/token_model.py), so
// roles and enabled flags are as of now, not as of issue.
import { TokenInvalidError, isWithinWindow, newAuditId } from '@baton/tokens';
import type { TokenFormatter, TokenPayload } from '@baton/tokens';
import type { ApplicationCredential, Domain, Project, Role, User } from '../storage/types.ts';
import { NotFoundError, UnauthorizedError } from '../errors.ts';
import type { AssignmentManager } from '../assignment/assignment-manager.ts';
import type { IdentityManager } from '../identity/identity-manager.ts';
import type { ResourceManager } from '../resource/resource-manager.ts';
import type { ApplicationCredentialManager } from '../application-credential/application-credential-manager.ts';
import type { RevocationManager } from './revocation-manager.ts';
import { VersionedMemo, type DataVersion } from '../data-version.ts';

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
}

export interface TokenProviderOptions {
  /** [token] expiration, seconds. */
  expiration: number;
  /** [token] allow_expired_window, seconds. */
  allowExpiredWindow: number;
}

export interface TokenProviderDeps {
  formatter: TokenFormatter;
  identity: IdentityManager;
  resource: ResourceManager;
  assignment: AssignmentManager;
  applicationCredentials: ApplicationCredentialManager;
  revocations: RevocationManager;
  version: DataVersion;
}

/**
 * How long a minted token is reused. Local writes drop it at once (DataVersion);
 * another node's writes (a role removed, a project disabled) show within this time.
 * Revocation events are checked on every validation regardless, so a revoked token
 * or a disabled user is refused at once on every node.
 */
const MINT_TTL_MS = 5_000;
const MINT_CACHE_SIZE = 10_000;

const FAILED = 'Failed to validate token';

export class TokenProvider {
  readonly #deps: TokenProviderDeps;
  readonly #options: TokenProviderOptions;
  readonly #minted: VersionedMemo<ValidatedToken>;
  /** Effective roles per user and scope: issue and validation both need them. */
  readonly #roleMemo: VersionedMemo<Role[]>;

  constructor(deps: TokenProviderDeps, options: TokenProviderOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#minted = new VersionedMemo(deps.version, { ttlMs: MINT_TTL_MS, max: MINT_CACHE_SIZE });
    this.#roleMemo = new VersionedMemo(deps.version, { ttlMs: MINT_TTL_MS, max: MINT_CACHE_SIZE });
  }

  async issue(request: IssueRequest): Promise<ValidatedToken> {
    const now = Date.now() / 1000;
    let expiresAt = request.expiresAt ?? Math.floor(now) + this.#options.expiration;
    const credential = request.applicationCredential;
    if (credential?.expiresAt != null) expiresAt = Math.min(expiresAt, credential.expiresAt);
    const auditIds = [newAuditId(), ...(request.parentAuditIds?.slice(-1) ?? [])];
    const roles = await this.#roles(request.user, request.scope, credential ?? null);
    if (request.scope.kind !== 'unscoped' && roles.length === 0) throw new UnauthorizedError();
    const payload = toPayload(request, expiresAt, auditIds);
    const { tokenId, issuedAt } = this.#deps.formatter.create(payload, { now });
    const userDomain = await this.#deps.resource.getDomain(request.user.domainId);
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
    };
  }

  /**
   * Validates a token. With `allowExpired`, a token past its expiry is still good
   * until expires_at + [token] allow_expired_window; revocation applies either way.
   */
  async validate(tokenId: string, options: { allowExpired: boolean }): Promise<ValidatedToken> {
    let parsed: { payload: TokenPayload; issuedAt: number };
    try {
      parsed = this.#deps.formatter.parse(tokenId);
    } catch (error) {
      if (error instanceof TokenInvalidError) throw new NotFoundError(error.message, { cause: error });
      throw new NotFoundError('Could not recognize Fernet token', { cause: error });
    }
    const { payload, issuedAt } = parsed;
    const window = options.allowExpired ? this.#options.allowExpiredWindow : 0;
    if (!isWithinWindow(payload.expiresAt, Date.now() / 1000, window)) throw new NotFoundError(FAILED);
    const id = tokenId.trim();
    const token = await this.#minted.get(id, () => this.#mint(id, payload, issuedAt));
    if (await this.#isRevoked(token)) throw new NotFoundError(FAILED);
    return token;
  }

  #isRevoked(token: ValidatedToken): Promise<boolean> {
    const { scope } = token;
    return this.#deps.revocations.isRevoked({
      userId: token.user.id,
      userDomainId: token.user.domainId,
      projectId: scope.kind === 'project' ? scope.project.id : null,
      scopeDomainId: scope.kind === 'project' || scope.kind === 'domain' ? scope.domain.id : null,
      auditIds: token.auditIds,
      issuedAt: token.issuedAt,
    });
  }

  async revoke(token: ValidatedToken): Promise<void> {
    await this.#deps.revocations.revoke({ auditId: token.auditIds[0] as string });
  }

  async #mint(id: string, payload: TokenPayload, issuedAt: number): Promise<ValidatedToken> {
    const { identity, resource, applicationCredentials } = this.#deps;
    const user = await identity.getUser(payload.userId);
    if (!user.enabled) throw new NotFoundError(FAILED);
    const userDomain = await resource.getDomain(user.domainId);
    const scope = await this.#scope(payload);
    if (!userDomain.enabled) throw NotFoundError.entity('domain', userDomain.id);
    const credential =
      payload.kind === 'application_credential'
        ? await applicationCredentials.get(payload.applicationCredentialId)
        : null;
    const roles = await this.#roles(user, scope, credential);
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
    };
  }

  async #scope(payload: TokenPayload): Promise<TokenScope> {
    const { resource } = this.#deps;
    switch (payload.kind) {
      case 'project':
      case 'application_credential': {
        const project = await resource.getProject(payload.projectId);
        if (!project.enabled) {
          throw new NotFoundError(`Unable to validate token because project ${project.id} is disabled`);
        }
        const domain = await resource.getDomain(project.domainId);
        if (!domain.enabled) throw NotFoundError.entity('domain', domain.id);
        return { kind: 'project', project, domain };
      }
      case 'domain': {
        const domain = await resource.getDomain(payload.domainId);
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

  #roles(user: User, scope: TokenScope, credential: ApplicationCredential | null): Promise<Role[]> {
    const target = scope.kind === 'project' ? scope.project.id : scope.kind === 'domain' ? scope.domain.id : scope.kind;
    const key = `${user.id} ${scope.kind} ${target} ${credential?.id ?? ''}`;
    return this.#roleMemo.get(key, () => this.#computeRoles(user, scope, credential));
  }

  async #computeRoles(user: User, scope: TokenScope, credential: ApplicationCredential | null): Promise<Role[]> {
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
    if (credential !== null) {
      // A credential carries the roles it was given, as long as the user still holds them.
      const delegated = await assignment.expandImplied(credential.roleIds);
      ids = ids.filter((id) => delegated.includes(id));
    }
    return Promise.all(ids.map((id) => assignment.getRole(id)));
  }
}

function toPayload(request: IssueRequest, expiresAt: number, auditIds: string[]): TokenPayload {
  const base = { userId: request.user.id, methods: request.methods, expiresAt, auditIds };
  const { scope } = request;
  if (request.applicationCredential !== undefined && scope.kind === 'project') {
    return {
      kind: 'application_credential',
      ...base,
      projectId: scope.project.id,
      applicationCredentialId: request.applicationCredential.id,
    };
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

