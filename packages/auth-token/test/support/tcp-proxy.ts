// A loopback TCP forwarder we can take down and bring back on the same port, to make a real
// cache server "go away" without stopping a server other tests share.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const open = async () => {
    server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: targetPort });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server!.listen({ host: '127.0.0.1', port }, resolve));
    port = (server!.address() as AddressInfo).port;
  };
  const down = async () => {
    const closing = server;
    server = null;
    for (const s of sockets) s.destroy();
    if (closing !== null) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  await open();
  return { port, down, up: open, close: down };
}
