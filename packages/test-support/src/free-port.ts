import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: the kernel picks it for a
 * throw-away listener, which is closed before returning. Used when a server's own
 * URL must be known before it starts (bootstrap writes it into the catalog).
 */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('listener has no TCP address'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
