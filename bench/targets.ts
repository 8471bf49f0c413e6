import { existsSync } from 'node:fs';
import { startBaton, issuePasswordToken, startKeystone, seedServiceUsers } from '@baton/test-support';

export type BenchTargetName = 'baton' | 'keystone';

/** A running identity service plus the tokens the scenarios send to it. */
export type BenchTarget = {
  name: BenchTargetName;
  url: string;
  /** admin, project-scoped: the caller in validate (X-Auth-Token) */
  adminToken: string;
  /** demo, project-scoped: the subject in validate and the token re-scoped in issue */
  userToken: string;
  /** one line on how it was run, printed with the results */
  setup: string;
  stop(): Promise<void>;
};

/** True when the Debian keystone and uwsgi this harness runs are installed. */
export function keystoneInstalled(): boolean {
  return ['/usr/bin/keystone-manage', '/usr/bin/keystone-wsgi-public', '/usr/bin/uwsgi'].every((p) => existsSync(p));
}

async function withTokens(
  name: BenchTargetName,
  started: { url: string; adminPassword: string; stop(): Promise<void> },
  setup: string,
): Promise<BenchTarget> {
  try {
    const users = await seedServiceUsers(started);
    const admin = await issuePasswordToken(started.url, 'admin', started.adminPassword, { project: 'admin' });
    const demo = await issuePasswordToken(started.url, 'demo', users.demo.password, { project: 'demo' });
    return { name, url: started.url, adminToken: admin.token, userToken: demo.token, setup, stop: () => started.stop() };
  } catch (error) {
    await started.stop();
    throw error;
  }
}

/**
 * Keystone is served keep-alive (uwsgi http11-socket), as Baton is, so neither side pays a
 * TCP connect per request.
 * A keep-alive sync worker stays with its connection, so each worker gets enough
 * threads for every load connection to be served at once, as Baton's event loop does.
 */
export async function startBenchTarget(name: BenchTargetName, workers: number, connections: number): Promise<BenchTarget> {
  if (name === 'keystone') {
    const threads = Math.ceil(connections / workers);
    const keystone = await startKeystone({ processes: workers, threads, cache: true, requestLog: false, keepAlive: true });
    return await withTokens(
      name,
      keystone,
      `Keystone 22 under uwsgi http11-socket (keep-alive), ${workers} worker processes x ${threads} threads, SQLite (WAL), ` +
        `[cache] enabled with its own memcached (keystone's production setting)`,
    );
  }
  const baton = await startBaton({ workers });
  return await withTokens(name, baton, `Baton identity serve --workers ${workers}`);
}
