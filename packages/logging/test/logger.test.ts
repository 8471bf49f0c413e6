// The service log: level from [DEFAULT] debug, JSON for machines, readable lines for people.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeLogger, createServiceLogger } from '../src/index.ts';

function sink() {
  const written: string[] = [];
  return { written, destination: { write: (text: string) => void written.push(text) } };
}

describe('createServiceLogger', () => {
  it('logs at info, or at debug when [DEFAULT] debug is set', () => {
    assert.equal(createServiceLogger({ debug: false, logFile: null, destination: sink().destination }).level, 'info');
    assert.equal(createServiceLogger({ debug: true, logFile: null, destination: sink().destination }).level, 'debug');
  });

  it('writes one readable line per entry on a terminal, pino JSON otherwise, without token headers', () => {
    const pretty = sink();
    const log = createServiceLogger({ debug: false, logFile: null, destination: pretty.destination, pretty: true });
    log.info({ method: 'GET', path: '/v3', status: 200, requestId: 'req-1' }, 'GET /v3 200 1.2 ms');
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      assert.equal(pretty.written.length, 1);
      assert.match(pretty.written[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} INFO  GET \/v3 200 1\.2 ms method=GET path=\/v3 status=200 requestId=req-1\n$/);
      const json = sink();
      createServiceLogger({ debug: false, logFile: null, destination: json.destination }).info({ req: { headers: { 'x-auth-token': 'secret-token' } } }, 'hello');
      const entry = JSON.parse(json.written[0] ?? '{}') as { msg: string; req: { headers: Record<string, string> } };
      assert.equal(entry.msg, 'hello');
      assert.equal(entry.req.headers['x-auth-token'], '[Redacted]');
    });
  });
});

describe('closeLogger', () => {
  it('resolves once every line logged so far is in log_file (a closing service calls it before exiting)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-flush-'));
    try {
      const file = join(dir, 'service.log');
      const log = createServiceLogger({ debug: false, logFile: file });
      for (let i = 0; i < 2000; i++) log.info({ i }, `line ${i}`);
      await closeLogger(log);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(lines.length, 2000);
      assert.equal(JSON.parse(lines.at(-1) as string).msg, 'line 1999');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
