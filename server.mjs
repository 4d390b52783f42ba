// Licensor's HTTP server: Next.js behind a thin Node server that (1) records the TCP peer
// address in a header clients cannot forge, since route handlers cannot see the socket, and
// (2) drains in-flight requests on SIGTERM/SIGINT before exiting.
import { createServer } from 'node:http';
import next from 'next';

const dev = process.argv.includes('--dev');
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? (dev ? 'localhost' : '0.0.0.0');
const PEER_ADDRESS_HEADER = 'x-licensor-peer-address';

const app = next({ dev, hostname, port, turbopack: dev });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? '';
  handle(req, res);
});
server.keepAliveTimeout = 65_000;

await new Promise((resolve) => server.listen(port, hostname, resolve));
const { port: boundPort } = server.address();
if (!dev) {
  // In production Next runs src/instrumentation.ts (configuration check, database) on the first
  // request; make that request now, so a misconfigured server exits before it announces itself.
  const selfHost = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname.includes(':') ? `[${hostname}]` : hostname;
  await fetch(`http://${selfHost}:${boundPort}/__licensor_startup`).catch(() => {});
}
console.log(`Licensor ${dev ? 'development' : 'production'} server listening on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${boundPort}`);

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing in-flight requests, then exiting.`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
