/** The readiness endpoint for container orchestrators: GET /healthz is 200 while `ready()` holds, 503 otherwise. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0: any free one); rejects when it cannot (e.g. EADDRINUSE). */
export async function startHealthServer(
  host: string,
  port: number,
  ready: () => boolean,
  details: () => Record<string, unknown>,
): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/healthz') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const ok = ready();
    const body = JSON.stringify({ ready: ok, ...details() });
    response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/healthz`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
