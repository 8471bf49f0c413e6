// A real identity service for tests: temp SQLite file, temp Fernet keys, bootstrapped
// admin, Fastify app driven with inject() (no sockets).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { FernetKeyRepository } from '@baton/fernet';
import { IdentityService, bootstrap, createIdentityApp, type BootstrapResult, type IdentityConfig } from '@baton/identity';

export const ADMIN_PASSWORD = 'admin-secret';

export interface TestIdentity {
  service: IdentityService;
  app: FastifyInstance;
  boot: BootstrapResult;
  dir: string;
  close(): Promise<void>;
}

export interface TestIdentityOptions {
  expiration?: number;
  allowExpiredWindow?: number;
  dialect?: Dialect;
  maxRequestBodySize?: number;
  /** [DEFAULT] max_token_size and insecure_debug; [token] revoke_by_id. */
  maxTokenSize?: number;
  insecureDebug?: boolean;
  revokeById?: boolean;
  /** [oslo_policy] enforce_scope and enforce_new_defaults (both false by default, as in Zed). */
  enforceScope?: boolean;
  enforceNewDefaults?: boolean;
  /** [security_compliance] options, by their oslo.config names. */
  securityCompliance?: Partial<IdentityConfig['security_compliance']>;
  /** [identity] password_hash_rounds (4 by default, to keep tests fast). */
  passwordHashRounds?: number;
  /** [resource] admin_project_name and admin_project_domain_name. */
  adminProject?: { name: string; domainName: string };
  /** [cache] options (Baton's defaults otherwise: in-process, 5 s). */
  cache?: Partial<IdentityConfig['cache']>;
  /** [unified_limit] enforcement_model (flat by default). */
  enforcementModel?: IdentityConfig['unified_limit']['enforcement_model'];
  /** [oauth1] request_token_duration and access_token_duration, seconds (Keystone's defaults otherwise). */
  oauth1Durations?: { request: number; access: number };
  /** [credential] user_limit (-1, no limit, by default). */
  credentialUserLimit?: number;
  /** [endpoint_filter] return_all_endpoints_if_no_filter (true by default). */
  returnAllEndpointsIfNoFilter?: boolean;
  /** [trust] max_redelegation_count (3 by default). */
  maxRedelegationCount?: number;
}

const CACHING = { caching: true, cache_time: null } as const;

/** The API suites that matter most run on both databases (PostgreSQL must be up: CI has it). */
export const DIALECTS = ['sqlite', 'postgresql'] as const;
export type Dialect = (typeof DIALECTS)[number];

const POSTGRES = 'postgresql://postgres@127.0.0.1:5432/test';
let schemas = 0;

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
}

export async function startTestIdentity(options: TestIdentityOptions = {}): Promise<TestIdentity> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-identity-'));
  const schema = options.dialect === 'postgresql' ? `baton_api_${process.pid}_${Date.now()}_${schemas++}` : null;
  const config: IdentityConfig = {
    DEFAULT: { public_endpoint: null, max_token_size: options.maxTokenSize ?? 255, insecure_debug: options.insecureDebug ?? false },
    token: {
      expiration: options.expiration ?? 3600,
      allow_expired_window: options.allowExpiredWindow ?? 172800,
      allow_rescope_scoped_token: true,
      revoke_by_id: options.revokeById ?? true,
      ...CACHING,
    },
    fernet_tokens: { key_repository: join(dir, 'fernet-keys'), max_active_keys: 3 },
    database: { connection: schema === null ? `sqlite:///${join(dir, 'keystone.db')}` : `${POSTGRES}?schema=${schema}` },
    auth: { methods: ['external', 'password', 'token', 'oauth1', 'mapped', 'application_credential'] },
    identity: { default_domain_id: 'default', password_hash_rounds: options.passwordHashRounds ?? 4, max_password_length: 4096, ...CACHING },
    revoke: { expiration_buffer: 1800, ...CACHING },
    cache: {
      enabled: true,
      backend: 'oslo_cache.dict',
      expiration_time: 5,
      backend_argument: [],
      memcache_servers: ['localhost:11211'],
      memcache_socket_timeout: 1,
      ...options.cache,
    },
    catalog: CACHING,
    role: CACHING,
    security_compliance: {
      lockout_failure_attempts: null,
      lockout_duration: 1800,
      password_expires_days: null,
      password_regex: null,
      password_regex_description: null,
      change_password_upon_first_use: false,
      unique_last_password_count: 0,
      minimum_password_age: 0,
      allow_insecure_application_credential_trust_escalation: false,
      ...options.securityCompliance,
    },
    oslo_middleware: { max_request_body_size: options.maxRequestBodySize ?? 114688 },
    resource: { admin_project_name: options.adminProject?.name ?? null, admin_project_domain_name: options.adminProject?.domainName ?? null, ...CACHING },
    oslo_policy: { enforce_scope: options.enforceScope ?? false, enforce_new_defaults: options.enforceNewDefaults ?? false },
    unified_limit: { enforcement_model: options.enforcementModel ?? 'flat' },
    federation: CACHING,
    saml: { relay_state_prefix: 'ss:mem:' },
    credential: {
      driver: 'sql',
      provider: 'fernet',
      key_repository: join(dir, 'credential-keys'),
      auth_ttl: 15,
      user_limit: options.credentialUserLimit ?? -1,
      ...CACHING,
    },
    oauth1: { request_token_duration: options.oauth1Durations?.request ?? 28800, access_token_duration: options.oauth1Durations?.access ?? 86400 },
    endpoint_filter: { return_all_endpoints_if_no_filter: options.returnAllEndpointsIfNoFilter ?? true },
    trust: { max_redelegation_count: options.maxRedelegationCount ?? 3 },
  };
  new FernetKeyRepository({ path: config.fernet_tokens.key_repository, maxActiveKeys: 3 }).setup();
  new FernetKeyRepository({ path: config.credential.key_repository, maxActiveKeys: 3 }).setup();
  const service = await IdentityService.open(config);
  const boot = await bootstrap(service, {
    password: ADMIN_PASSWORD,
    regionId: 'RegionOne',
    publicUrl: 'http://localhost/v3',
    internalUrl: 'http://localhost/v3',
    adminUrl: 'http://localhost/v3',
  });
  const app = await createIdentityApp(service);
  return {
    service,
    app,
    boot,
    dir,
    async close() {
      await app.close();
      await service.close();
      rmSync(dir, { recursive: true, force: true });
      if (schema !== null) await dropSchema(schema);
    },
  };
}

export function passwordBody(name: string, password: string, scope?: unknown): unknown {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name, domain: { id: 'default' }, password } } },
      ...(scope === undefined ? {} : { scope }),
    },
  };
}

/** Issues a token by password; fails the test unless Keystone would answer 201. */
export async function issueToken(app: FastifyInstance, name: string, password: string, scope?: unknown): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: passwordBody(name, password, scope) as object });
  if (response.statusCode !== 201) throw new Error(`token issue for ${name}: ${response.statusCode} ${response.body}`);
  return response.headers['x-subject-token'] as string;
}

export function adminToken(app: FastifyInstance): Promise<string> {
  return issueToken(app, 'admin', ADMIN_PASSWORD, { project: { name: 'admin', domain: { id: 'default' } } });
}

export function json(response: LightMyRequestResponse): Record<string, any> {
  return JSON.parse(response.body) as Record<string, any>;
}

/** Creates a user with `roleName` on a new project, through the managers. */
export async function createProjectUser(
  identity: TestIdentity,
  name: string,
  roleName: string,
): Promise<{ userId: string; projectId: string; password: string }> {
  const { service } = identity;
  const password = `${name}-secret`;
  const project = await service.resource.createProject({ name: `${name}-project`, domainId: 'default' });
  const user = await service.identity.createUser({ name, domainId: 'default', password });
  const role = await service.assignment.getRoleByName(roleName);
  await service.assignment.grant({ kind: 'user', id: user.id }, { kind: 'project', id: project.id }, role.id);
  return { userId: user.id, projectId: project.id, password };
}
