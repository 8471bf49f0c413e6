import { defineGroup } from '../group.ts';
import { cachingOpts } from './caching.ts';
import { intOpt, strOpt } from '../opts.ts';

// Keystone 22's [credential] (keystone/conf/credential.py). It has no max_active_keys:
// the credential repository always keeps 3 keys (credential/providers/fernet MAX_ACTIVE_KEYS).
export const credentialGroup = defineGroup('credential', {
  help: 'Stored credentials (/v3/credentials, EC2 credentials): their encryption and /v3/ec2tokens.',
  options: {
    driver: strOpt({
      default: 'sql',
      choices: ['sql'],
      help: 'Credential storage. Baton stores credentials in the [database] connection only.',
    }),
    provider: strOpt({
      default: 'fernet',
      choices: ['fernet'],
      help: 'How credential blobs are encrypted: Fernet, with the keys of key_repository.',
    }),
    key_repository: strOpt({
      default: '$state_path/credential-keys',
      help:
        'Directory of the Fernet keys that encrypt credential blobs in the database (files 0600 in a ' +
        '0700 directory). It has nothing to do with [fernet_tokens] key_repository: never share the ' +
        'two. Create it with `baton manage credential-setup`; `credential-rotate` then `credential-migrate` ' +
        'replace the primary key (a rotation is refused while a credential is still encrypted with an ' +
        'older key). Three keys are kept. Without keys, blobs are encrypted with a known all-zero key, ' +
        'as Keystone does, and a warning is logged.',
    }),
    ...cachingOpts('credentials read by id'),
    auth_ttl: intOpt({
      default: 15,
      min: 0,
      help: 'Minutes a signed EC2 request stays valid for POST /v3/ec2tokens after the timestamp it carries.',
    }),
    user_limit: intOpt({
      default: -1,
      min: -1,
      help: 'Most credentials one user may hold (-1: no limit); one more is refused with 403.',
    }),
  },
});
