// How the doctor talks to a running identity service: only over its public API, with
// @baton/session, so it works the same against Baton and the real Keystone.
import {
  AuthenticationError,
  ConnectionError,
  PasswordAuth,
  Session,
  TimeoutError,
  v3Url,
  type AccessInfo,
  type AuthPlugin,
  type PasswordAuthOptions,
} from '@baton/session';

/** One effective role assignment of a user, with names (GET /v3/role_assignments?include_names). */
export interface RoleAssignment {
  readonly role: string;
  /** The project's name and its domain's name, for a project assignment. */
  readonly project?: { readonly name: string; readonly domain: string };
}

export interface IdentityClient {
  /** A real token request with a plugin built from a config section (POST /v3/auth/tokens). */
  authenticate(plugin: AuthPlugin): Promise<AccessInfo>;
  /** The admin's own token: proves the admin credentials (throws like `authenticate`). */
  adminAccess(): Promise<AccessInfo>;
  /** Every role name in identity (GET /v3/roles, as the admin). */
  roleNames(): Promise<readonly string[]>;
  /** Whether the domain (by id, else by name) has a user of that name (GET /v3/users, as the admin). */
  userExists(name: string, domain: { readonly id?: string | undefined; readonly name?: string | undefined }): Promise<boolean>;
  /** The user's effective role assignments, with names (as the admin). */
  roleAssignments(userId: string): Promise<readonly RoleAssignment[]>;
}

const TIMEOUT_MS = 15_000;

/** An IdentityClient over @baton/session; `admin` null when no admin credentials were given. */
export class SessionIdentityClient implements IdentityClient {
  readonly #admin: PasswordAuth | null;
  readonly #authUrl: string | null;
  readonly #session: Session;

  constructor(admin: PasswordAuthOptions | null, timeoutMs = TIMEOUT_MS) {
    this.#admin = admin === null ? null : new PasswordAuth({ ...admin, includeCatalog: false });
    this.#authUrl = admin === null ? null : v3Url(admin.authUrl);
    this.#session = new Session({ timeout: timeoutMs, ...(this.#admin === null ? {} : { auth: this.#admin }) });
  }

  authenticate(plugin: AuthPlugin): Promise<AccessInfo> {
    return plugin.getAccess(this.#session);
  }

  adminAccess(): Promise<AccessInfo> {
    return this.authenticate(this.#requireAdmin());
  }

  async roleNames(): Promise<readonly string[]> {
    this.#requireAdmin();
    const response = await this.#session.get(`${this.#authUrl}/roles`);
    const body = response.json<{ roles?: { name?: unknown }[] }>();
    return (body.roles ?? []).map((r) => r.name).filter((n): n is string => typeof n === 'string');
  }

  async userExists(name: string, domain: { readonly id?: string | undefined; readonly name?: string | undefined }): Promise<boolean> {
    this.#requireAdmin();
    let domainId = domain.id;
    if (domainId === undefined) {
      const found = await this.#session.get(`${this.#authUrl}/domains?name=${encodeURIComponent(domain.name ?? '')}`);
      domainId = found.json<{ domains?: { id?: string }[] }>().domains?.[0]?.id;
      if (domainId === undefined) return false;
    }
    const users = await this.#session.get(`${this.#authUrl}/users?name=${encodeURIComponent(name)}&domain_id=${encodeURIComponent(domainId)}`);
    return (users.json<{ users?: unknown[] }>().users ?? []).length > 0;
  }

  async roleAssignments(userId: string): Promise<readonly RoleAssignment[]> {
    this.#requireAdmin();
    const response = await this.#session.get(`${this.#authUrl}/role_assignments?user.id=${encodeURIComponent(userId)}&effective&include_names`);
    type Row = { role?: { name?: string }; scope?: { project?: { name?: string; domain?: { name?: string } } } };
    return (response.json<{ role_assignments?: Row[] }>().role_assignments ?? []).flatMap((row) => {
      const role = row.role?.name;
      if (role === undefined) return [];
      const project = row.scope?.project;
      return [project?.name === undefined ? { role } : { role, project: { name: project.name, domain: project.domain?.name ?? 'default' } }];
    });
  }

  #requireAdmin(): PasswordAuth {
    if (this.#admin === null) throw new TypeError('SessionIdentityClient: no admin credentials were given');
    return this.#admin;
  }
}

/** What went wrong talking to identity, in words for a finding. */
export function failureOf(error: unknown): { kind: 'unreachable' | 'rejected' | 'other'; detail: string } {
  if (error instanceof ConnectionError || error instanceof TimeoutError) return { kind: 'unreachable', detail: error.message };
  if (error instanceof AuthenticationError && error.status !== undefined && error.status < 500) {
    return { kind: 'rejected', detail: error.message };
  }
  if (error instanceof Error) return { kind: 'other', detail: error.message };
  throw error;
}
