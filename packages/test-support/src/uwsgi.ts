// The uwsgi ini every harness here writes (modelled on devstack's): one place for the
// settings that make a WSGI app behave under test and load.

export interface UwsgiIniOptions {
  port: number;
  wsgiFile: string;
  env: Readonly<Record<string, string>>;
  processes: number;
  threads: number;
  logFile: string;
  /** http11-socket (keep-alive, as the benchmarks measure both systems) instead of http-socket + `Connection: close`. */
  keepAlive: boolean;
  requestLog: boolean;
}

export function uwsgiIni(o: UwsgiIniOptions): string {
  return [
    '[uwsgi]',
    'plugins = python3',
    o.keepAlive ? `http11-socket = 127.0.0.1:${o.port}` : `http-socket = 127.0.0.1:${o.port}`,
    `wsgi-file = ${o.wsgiFile}`,
    ...Object.entries(o.env).map(([name, value]) => `env = ${name}=${value}`),
    'master = true',
    `processes = ${o.processes}`,
    `threads = ${o.threads}`,
    'enable-threads = true',
    'lazy-apps = true',
    'need-app = true',
    'thunder-lock = true',
    'die-on-term = true',
    'buffer-size = 65535',
    'listen = 128',
    // As devstack deploys it: clients never keep a connection open.
    ...(o.keepAlive ? [] : ['add-header = Connection: close']),
    `logto = ${o.logFile}`,
    `disable-logging = ${o.requestLog ? 'false' : 'true'}`,
    '',
  ].join('\n');
}
