// A TCP pass-through in front of an identity service that counts the HTTP requests sent to it,
// the same way for Baton and Keystone. Run as a child process (`fork`) so its CPU is not taken
// from the load generator's event loop; it answers { count } to every message.
import { connect, createServer } from 'node:net';

// A request line: method, target, version. Bodies sent to identity are JSON and never hold one.
const REQUEST_LINE = /(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ HTTP\/1\.[01]\r\n/g;
const MAX_TAIL = 8192;

const [upstreamPort, listenPort] = process.argv.slice(2).map(Number);
if (!Number.isInteger(upstreamPort) || !Number.isInteger(listenPort)) {
  throw new TypeError('usage: counting-proxy.ts UPSTREAM_PORT LISTEN_PORT');
}

let count = 0;

const server = createServer((client) => {
  client.setNoDelay(true);
  const upstream = connect({ host: '127.0.0.1', port: upstreamPort! });
  upstream.setNoDelay(true);
  // Text after the last request line counted, so a line split across two chunks is found once.
  let tail = '';
  client.on('data', (chunk: Buffer) => {
    const text = tail + chunk.toString('latin1');
    let end = 0;
    for (const match of text.matchAll(REQUEST_LINE)) {
      count++;
      end = match.index + match[0].length;
    }
    tail = text.slice(Math.max(end, text.length - MAX_TAIL));
  });
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
});

server.listen({ host: '127.0.0.1', port: listenPort! }, () => process.send?.({ listening: true }));
process.on('message', () => process.send?.({ count }));
process.on('disconnect', () => process.exit(0));
