import { defineGroup } from '../group.ts';
import { boolOpt, intOpt, strOpt, uriOpt } from '../opts.ts';

export const defaultGroup = defineGroup('DEFAULT', {
  help: 'Options that apply to the whole service.',
  options: {
    public_endpoint: uriOpt({
      default: null,
      help:
        'Base URL that clients are told to use for this service, for example in the version document ' +
        'and in links. It does not change where the server listens. When unset, the scheme and host ' +
        'of each request are used, so set it only behind a path prefix or a proxy on another host.',
    }),
    insecure_debug: boolOpt({
      default: false,
      help:
        'Put extra detail, such as the exact reason an authentication failed or the cause of an ' +
        'internal error, into HTTP error responses (with "(Disable insecure_debug mode to suppress ' +
        'these details.)"), and warn at start-up. It helps debugging and helps an attacker just as ' +
        'much: keep it off in production.',
    }),
    debug: boolOpt({ default: false, help: 'Log at debug level instead of info.' }),
    max_token_size: intOpt({
      default: 255,
      help:
        'Token length, in characters, above which issuing a token is logged (at info level), as ' +
        'Keystone does for anything downstream that stores tokens in a column that size. Tokens are ' +
        'issued and accepted whatever their length; Fernet tokens fit in the default.',
    }),
    state_path: strOpt({
      default: '.baton',
      help:
        'Baton only. Directory for state Baton creates itself; by default the SQLite database and the ' +
        'Fernet keys live here. A relative path is taken from the working directory of the process. ' +
        'Other options refer to it as $state_path.',
    }),
    log_file: strOpt({ default: null, help: 'File to write the log to. When unset, the log goes to standard error.' }),
  },
});
