import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.ts';
import { stopChild } from './processes.ts';

export type Memcached = { host: string; port: number; stop(): Promise<void> };

async function accepts(port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Our own memcached on a free loopback port, run in the foreground so we hold its PID. */
export async function startMemcached(): Promise<Memcached> {
  const port = await freePort();
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '64', '-c', '1024'];
  // memcached refuses to run as root without -u.
  if (process.getuid?.() === 0) args.push('-u', 'root');
  const child = spawn('memcached', args, { stdio: 'ignore', detached: true });
  child.once('error', () => undefined);
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`memcached did not start on 127.0.0.1:${port}`);
    }
    await sleep(50);
  }
  return { host: '127.0.0.1', port, stop: () => stopChild(child) };
}
