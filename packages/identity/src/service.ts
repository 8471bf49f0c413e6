// Wires the identity service together from its configuration: storage drivers →
// managers → token provider. Everything is passed explicitly; nothing is global.
import { FernetKeyRepository } from '@baton/fernet';
import { TokenFormatter } from '@baton/tokens';
import { createStorage } from './storage/index.ts';
import type { Storage } from './storage/types.ts';
import { ApplicationCredentialManager } from './application-credential/application-credential-manager.ts';
import { AssignmentManager } from './assignment/assignment-manager.ts';
import { AuthManager } from './auth/auth-manager.ts';
import { CatalogManager } from './catalog/catalog-manager.ts';
import { IdentityManager, compilePasswordRegex } from './identity/identity-manager.ts';
import { ResourceManager } from './resource/resource-manager.ts';
import { RevocationManager } from './token/revocation-manager.ts';
import { TokenProvider } from './token/token-provider.ts';
import { IdentityCache, type AreaCaching, type CacheOptions } from './cache.ts';
import { compilePolicy, type Policy } from './policy.ts';
import { PolicyBlobManager } from './policy-blob/policy-blob-manager.ts';
import { OAuth1Manager } from './oauth1/oauth1-manager.ts';
import { UnifiedLimitManager, enforcementModel, type EnforcementModelName } from './limit/unified-limit-manager.ts';
import { FederationManager } from './federation/federation-manager.ts';
import { CredentialManager } from './credential/credential-manager.ts';
import { CredentialCrypto } from './credential/credential-crypto.ts';
import { Ec2TokenAuthenticator } from './credential/ec2-tokens.ts';
import { EndpointFilterManager } from './catalog/endpoint-filter-manager.ts';
import { EndpointPolicyManager } from './endpoint-policy/endpoint-policy-manager.ts';
import { TrustManager } from './trust/trust-manager.ts';
import { DomainConfigManager } from './resource/domain-config-manager.ts';

/** Keystone's default bcrypt cost when [identity] password_hash_rounds is unset. */
const DEFAULT_BCRYPT_ROUNDS = 12;

/** Credentials kept by id (EC2 access keys checked by /v3/ec2tokens). */
const CREDENTIAL_CACHE_SIZE = 1_000;

/** Revocation-event reads kept (one per distinct issue second of the tokens validated). */
const EVENT_CACHE_SIZE = 1_000;

/** Projects whose OS-EP-FILTER endpoint set is kept (one per project whose tokens are validated). */
const PROJECT_ENDPOINTS_CACHE_SIZE = 10_000;

export interface IdentityServiceOptions {
  /** Receives operational warnings (a cache server that stops or starts answering). */
  warn?: (message: string) => void;
}

/** The options the identity service reads, by their oslo.config group and name. */
export interface IdentityConfig {
  readonly DEFAULT: { readonly public_endpoint: string | null; readonly max_token_size: number; readonly insecure_debug: boolean };
  readonly token: {
    readonly expiration: number;
    readonly allow_expired_window: number;
    readonly allow_rescope_scoped_token: boolean;
    readonly revoke_by_id: boolean;
  } & AreaCaching;
  readonly fernet_tokens: { readonly key_repository: string; readonly max_active_keys: number };
  readonly database: { readonly connection: string };
  readonly auth: { readonly methods: readonly string[] };
  readonly identity: {
    readonly default_domain_id: string;
    readonly password_hash_rounds: number | null;
    readonly max_password_length: number;
  } & AreaCaching;
  readonly revoke: { readonly expiration_buffer: number } & AreaCaching;
  readonly cache: CacheOptions;
  readonly catalog: AreaCaching;
  readonly role: AreaCaching;
  readonly security_compliance: {
    readonly lockout_failure_attempts: number | null;
    readonly lockout_duration: number;
    readonly password_expires_days: number | null;
    readonly password_regex: string | null;
    readonly password_regex_description: string | null;
    readonly change_password_upon_first_use: boolean;
    readonly unique_last_password_count: number;
    readonly minimum_password_age: number;
    readonly allow_insecure_application_credential_trust_escalation: boolean;
  };
  readonly oslo_middleware: { readonly max_request_body_size: number };
  readonly resource: { readonly admin_project_name: string | null; readonly admin_project_domain_name: string | null } & AreaCaching;
  readonly oslo_policy: { readonly enforce_scope: boolean; readonly enforce_new_defaults: boolean };
  readonly unified_limit: { readonly enforcement_model: EnforcementModelName };
  readonly federation: AreaCaching;
  readonly saml: { readonly relay_state_prefix: string };
  readonly credential: {
    readonly driver: string;
    readonly provider: string;
    readonly key_repository: string;
    readonly auth_ttl: number;
    readonly user_limit: number;
  } & AreaCaching;
  readonly oauth1: { readonly request_token_duration: number; readonly access_token_duration: number };
  readonly endpoint_filter: { readonly return_all_endpoints_if_no_filter: boolean };
  readonly trust: { readonly max_redelegation_count: number };
}

export class IdentityService {
  readonly config: IdentityConfig;
  readonly storage: Storage;
  readonly keys: FernetKeyRepository;
  readonly revocations: RevocationManager;
  readonly resource: ResourceManager;
  readonly identity: IdentityManager;
  readonly assignment: AssignmentManager;
  readonly catalog: CatalogManager;
  readonly applicationCredentials: ApplicationCredentialManager;
  readonly limits: UnifiedLimitManager;
  /** /v3/policies documents (not the rules in `policy`). */
  readonly policyBlobs: PolicyBlobManager;
  /** OS-FEDERATION: identity providers, protocols, mappings, service providers. */
  readonly federation: FederationManager;
  readonly oauth1: OAuth1Manager;
  /** OS-EP-FILTER: project endpoints and endpoint groups. */
  readonly endpointFilter: EndpointFilterManager;
  /** OS-ENDPOINT-POLICY: policy documents associated with endpoints, services and regions. */
  readonly endpointPolicy: EndpointPolicyManager;
  readonly trusts: TrustManager;
  readonly tokens: TokenProvider;
  readonly auth: AuthManager;
  /** Keystone's default rules resolved against [oslo_policy] once, at start-up. */
  readonly policy: Policy;
  /** [cache]: every write through `storage` invalidates it. */
  readonly cache: IdentityCache;
  /** /v3/credentials and EC2 credentials, encrypted with [credential] key_repository. */
  readonly credentials: CredentialManager;
  /** POST /v3/ec2tokens: signed EC2/S3 requests to project tokens. */
  readonly ec2Tokens: Ec2TokenAuthenticator;
  /** /v3/domains/{domain_id}/config: stored and answered; Baton's SQL identity driver does not read it. */
  readonly domainConfigs: DomainConfigManager;

  private constructor(config: IdentityConfig, rawStorage: Storage, cache: IdentityCache, warn: (message: string) => void) {
    this.config = config;
    this.cache = cache;
    this.policy = compilePolicy({
      enforceScope: config.oslo_policy.enforce_scope,
      enforceNewDefaults: config.oslo_policy.enforce_new_defaults,
    });
    const storage = this.cache.observe(rawStorage);
    this.storage = storage;
    const rounds = config.identity.password_hash_rounds ?? DEFAULT_BCRYPT_ROUNDS;
    this.keys = new FernetKeyRepository({
      path: config.fernet_tokens.key_repository,
      maxActiveKeys: config.fernet_tokens.max_active_keys,
    });
    this.revocations = new RevocationManager(storage.revoke, this.cache.region('revoke', EVENT_CACHE_SIZE), {
      expiration: config.token.expiration,
      allowExpiredWindow: config.token.allow_expired_window,
      expirationBuffer: config.revoke.expiration_buffer,
    });
    const model = enforcementModel(config.unified_limit.enforcement_model);
    this.resource = new ResourceManager(storage.resource, this.revocations, { maxProjectDepth: model.maxProjectDepth });
    const compliance = config.security_compliance;
    this.identity = new IdentityManager(storage.identity, this.revocations, {
      rounds,
      maxLength: config.identity.max_password_length,
      lockoutAttempts: compliance.lockout_failure_attempts,
      lockoutDuration: compliance.lockout_duration,
      expiresDays: compliance.password_expires_days,
      changeUponFirstUse: compliance.change_password_upon_first_use,
      regex: compilePasswordRegex(compliance.password_regex),
      regexDescription: compliance.password_regex_description,
      uniqueLastCount: compliance.unique_last_password_count,
      minimumAgeDays: compliance.minimum_password_age,
    });
    this.assignment = new AssignmentManager(storage.assignment, this.identity, this.resource);
    this.endpointFilter = new EndpointFilterManager(
      storage.endpointFilter,
      { catalog: storage.catalog, resource: this.resource },
      this.cache.region('catalog', PROJECT_ENDPOINTS_CACHE_SIZE),
    );
    this.catalog = new CatalogManager(storage.catalog, this.cache.region('catalog', 1), {
      projectEndpointIds: (projectId) => this.endpointFilter.projectEndpointIds(projectId),
      returnAllIfNoFilter: config.endpoint_filter.return_all_endpoints_if_no_filter,
    });
    this.policyBlobs = new PolicyBlobManager(storage.policy);
    this.endpointPolicy = new EndpointPolicyManager(storage.endpointPolicy, { catalog: this.catalog, policies: this.policyBlobs });
    this.limits = new UnifiedLimitManager(storage.unifiedLimit, { catalog: this.catalog, resource: this.resource }, model.name);
    this.federation = new FederationManager(storage.federation, this.resource, this.cache.region('federation', 1));
    this.credentials = new CredentialManager(
      storage.credential,
      new CredentialCrypto(config.credential.key_repository, warn),
      this.cache.region('credential', CREDENTIAL_CACHE_SIZE),
      { userLimit: config.credential.user_limit },
    );
    this.oauth1 = new OAuth1Manager(storage.oauth1, { resource: this.resource, assignment: this.assignment }, {
      requestTokenDuration: config.oauth1.request_token_duration,
      accessTokenDuration: config.oauth1.access_token_duration,
    });
    this.trusts = new TrustManager(
      storage.trust,
      { identity: this.identity, resource: this.resource, assignment: this.assignment },
      { maxRedelegationCount: config.trust.max_redelegation_count },
    );
    this.applicationCredentials = new ApplicationCredentialManager(storage.applicationCredential, storage.accessRule, rounds);
    const keys = (): Uint8Array[] => this.keys.loadKeys();
    const formatter = new TokenFormatter({
      keys,
      authMethods: [...config.auth.methods],
      defaultDomainId: config.identity.default_domain_id,
    });
    this.tokens = new TokenProvider(
      {
        formatter,
        keys,
        identity: this.identity,
        resource: this.resource,
        assignment: this.assignment,
        applicationCredentials: this.applicationCredentials,
        oauth1: this.oauth1,
        trusts: this.trusts,
        revocations: this.revocations,
        cache: this.cache,
      },
      { expiration: config.token.expiration, allowExpiredWindow: config.token.allow_expired_window },
    );
    this.domainConfigs = new DomainConfigManager(storage.domainConfig, {
      defaultDomainId: config.identity.default_domain_id,
      securityCompliance: config.security_compliance,
    });
    this.auth = new AuthManager(
      {
        identity: this.identity,
        resource: this.resource,
        assignment: this.assignment,
        applicationCredentials: this.applicationCredentials,
        oauth1: this.oauth1,
        trusts: this.trusts,
        tokens: this.tokens,
      },
      { methods: config.auth.methods, allowRescopeScopedToken: config.token.allow_rescope_scoped_token },
    );
    this.ec2Tokens = new Ec2TokenAuthenticator(
      { credentials: this.credentials, resource: this.resource, identity: this.identity, tokens: this.tokens },
      { authTtl: config.credential.auth_ttl },
    );
  }

  /** Opens storage (applying migrations) and builds the managers. */
  static async open(config: IdentityConfig, options: IdentityServiceOptions = {}): Promise<IdentityService> {
    const storage = await createStorage(config.database.connection);
    await storage.migrate();
    let cache: IdentityCache | undefined;
    let service: IdentityService;
    const warn = options.warn ?? (() => undefined);
    try {
      cache = new IdentityCache(config.cache, config, warn);
      service = new IdentityService(config, storage, cache, warn);
    } catch (error) {
      // A bad option found here must not leave a cache client holding the process open.
      await cache?.close();
      await storage.close();
      throw error;
    }
    const { maxProjectDepth } = service.limits.model;
    if (maxProjectDepth !== null) {
      const deeper = await service.resource.projectsDeeperThan(maxProjectDepth);
      if (deeper.length > 0) {
        await service.close();
        // Keystone's LimitTreeExceedError: the service refuses to start.
        throw new Error(
          `Baton cannot start due to project hierarchical depth in the current deployment (project_ids: ${deeper.join(', ')}) ` +
            `exceeds the enforcement model's maximum limit of ${maxProjectDepth}. Please use a different enforcement model to correct the issue.`,
        );
      }
    }
    return service;
  }

  async close(): Promise<void> {
    await this.cache.close();
    await this.storage.close();
  }
}
