// A transparent HTTP proxy on 127.0.0.1:0 that counts POST /v3/auth/tokens, to see how
// often a client authenticates against an identity service running in another process.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  /** http://127.0.0.1:PORT/v3 */
  url: string;
  authPosts(): number;
  close(): Promise<void>;
}

/** Forwards everything to `upstream` (an origin such as http://127.0.0.1:5000). */
export async function countingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  let posts = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && (req.url ?? '').startsWith('/v3/auth/tokens')) posts++;
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v3`,
    authPosts: () => posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
