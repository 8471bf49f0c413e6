import { startBaton } from './baton.ts';
import { startKeystone } from './keystone.ts';

export type TargetName = 'keystone' | 'baton';

/** An identity service under test: the real Keystone or Baton, started fresh and bootstrapped alike. */
export type IdentityTarget = {
  name: TargetName;
  /** http://127.0.0.1:PORT/v3, also the identity endpoints in the catalog. */
  url: string;
  /** Password of `admin` (project `admin`, role `admin`, domain Default). */
  adminPassword: string;
  /** Its keystone.conf (tokens, key repository), for checks that read identity's files. */
  configPath: string;
  stop(): Promise<void>;
};

export type TargetOptions = { expiration?: number; allowExpiredWindow?: number; processes?: number };

export const TARGET_NAMES: readonly TargetName[] = ['keystone', 'baton'];

export async function startTarget(name: TargetName, opts: TargetOptions = {}): Promise<IdentityTarget> {
  const { expiration, allowExpiredWindow, processes } = opts;
  const started = name === 'keystone'
    ? await startKeystone({ expiration, allowExpiredWindow, processes })
    : await startBaton({ expiration, allowExpiredWindow, workers: processes });
  return { name, url: started.url, adminPassword: started.adminPassword, configPath: started.configPath, stop: started.stop };
}
