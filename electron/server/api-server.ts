/**
 * Headless mode's UI server: the built renderer as static files and the api over a WebSocket at `/api`, the same
 * contract the desktop app carries over IPC (shared/api.ts). Loopback only; requests from other web origins are
 * refused, so a page on the internet cannot drive the bridge through the user's browser.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiEvent, ApiResponse } from '../../shared/api.ts';
import { answerApiRequest, type ApiHandlerSource } from './api-answer.ts';
import { allowedHosts, hostAllowed, sameOrigin } from './request-host.ts';
import { createUiLogin } from './ui-login.ts';

/** The core as the api sees it: the handler table of the contract's methods and what it pushes. */
export interface ApiBackend extends ApiHandlerSource {
  /** Called with a listener that fires whenever the bridge view changed. */
  onChange(listener: () => void): void;
  /** Events besides the bridge view (discovery's); returns a function that stops listening. */
  onEvent?(listener: (event: ApiEvent) => void): () => void;
}

export interface ApiServerOptions {
  host: string;
  port: number;
  backend: ApiBackend;
  /** Host names besides the loopback ones that browsers may use to reach this server (`ui.allowedHosts`). */
  allowedHosts?: readonly string[];
  /** The built renderer (index.html and assets); absent or missing: a short page says how to build it. */
  staticDir?: string;
  /** The UI's login (`ui.password`): when set, the api socket needs a session from POST /login (ui-login.ts). */
  password?: { reveal(): string };
  /** Coalesce change events: at most one pushed view per this many ms; default 250. */
  pushIntervalMs?: number;
  /** Api sockets open at once at most (`ui.maxConnections`); more are closed at once with the reason; default 32. */
  maxConnections?: number;
  /** Where refused connections are reported: once at first, then at most once a minute with the count since. */
  warn?: (line: string) => void;
}

export interface ApiServer {
  url: string;
  /** Api sockets refused because `maxConnections` were open. */
  connectionsRefused(): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Smartmeter Bridge</title>
<p>The bridge is running. The browser UI is not built into this installation yet; the api is at <code>/api</code>
(WebSocket) and the MQTT topics are described in docs/mqtt-profile.md.</p>`;

function reply(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers }).end();
}

/**
 * The decoded URL path, or undefined for one that is not a plain path: bad escapes, NUL, `..`, and what Windows reads
 * as a separator or a drive (`\`, `C:`).
 */
function requestPath(url: string | undefined): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url ?? '/', 'http://x').pathname);
  } catch {
    return undefined;
  }
  if (/[\\\0:]/.test(path) || path.split('/').includes('..')) return undefined;
  return path;
}

function serveStatic(staticDir: string | undefined, req: IncomingMessage, res: ServerResponse): void {
  const path = requestPath(req.url);
  if (path === undefined) return reply(res, 400);
  if (!staticDir || !existsSync(join(staticDir, 'index.html'))) {
    res.writeHead(path === '/' ? 200 : 404, { 'Content-Type': TYPES['.html'], ...SECURITY_HEADERS }).end(NOT_BUILT);
    return;
  }
  const file = resolve(staticDir, `.${path === '/' ? '/index.html' : path}`);
  const inside = relative(resolve(staticDir), file);
  if (!inside || inside.startsWith('..') || isAbsolute(inside) || !existsSync(file) || !statSync(file).isFile()) {
    return reply(res, 404);
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...SECURITY_HEADERS });
  if (req.method === 'HEAD') return void res.end();
  // A file removed between the check and the read ends this response, never the process.
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/**
 * A client that stops reading (a stalled network, a frozen tab, a local process that never reads) would keep every
 * view sent since in this process's memory: 1.6 MB a view with 1,000 meters, four a second. Views are whole states, so
 * a socket still holding unsent data is skipped and gets the latest view once it has caught up; one that stays behind
 * this long is dropped (the UI reconnects).
 */
const STALLED_DROP_MS = 60_000;
/** Answers and other events are small; a socket with more than this unsent is dropped before it holds more. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/**
 * Each api socket is sent every view (1.6 MB with 1,000 meters): 2,000 local sockets stopped the UI answering. A
 * browser tab needs one; more than this are closed with 1013 "try again later" and the reason.
 */
export const DEFAULT_MAX_CONNECTIONS = 32;
const REFUSED_LOG_INTERVAL_MS = 60_000;

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { backend } = options;
  const hosts = allowedHosts(options.host, options.allowedHosts);
  const login = createUiLogin({ password: options.password?.reveal() });
  const http: Server = createServer((req, res) => {
    // DNS rebinding: a page on evil.example whose name now points to 127.0.0.1 still sends `Host: evil.example`.
    if (!hostAllowed(req.headers.host, hosts)) return reply(res, 421);
    const path = requestPath(req.url);
    if (path !== undefined && login.handle(req, res, path)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, { Allow: 'GET, HEAD' });
    serveStatic(options.staticDir, req, res);
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refusal =
      requestPath(req.url) !== '/api'
        ? '404 Not Found'
        : !hostAllowed(req.headers.host, hosts)
          ? '421 Misdirected Request'
          : !sameOrigin(req)
            ? '403 Forbidden'
            : !login.authenticated(req)
              ? '401 Unauthorized'
              : undefined;
    if (refusal) return void socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  // The view as sent, built once per change and shared by every socket and every new connection.
  let viewText: string | undefined;
  let viewStale = true;
  const currentView = (): string | undefined => {
    if (viewStale || viewText === undefined) {
      const data = backend.getBridge();
      viewText = data ? JSON.stringify({ event: 'bridge', data } satisfies ApiEvent) : undefined;
      viewStale = false;
    }
    return viewText;
  };
  const sendText = (socket: WebSocket, text: string) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return void socket.terminate();
    socket.send(text);
  };
  const send = (socket: WebSocket, message: ApiEvent | ApiResponse) => sendText(socket, JSON.stringify(message));

  let pending: NodeJS.Timeout | undefined;
  const schedulePush = () => {
    pending ??= setTimeout(() => ((pending = undefined), push()), options.pushIntervalMs ?? 250);
  };
  const behindSince = new Map<WebSocket, number>();
  const push = () => {
    const text = currentView();
    if (!text) return;
    const now = Date.now();
    for (const socket of sockets.clients) {
      if (socket.bufferedAmount === 0) {
        behindSince.delete(socket);
        sendText(socket, text);
        continue;
      }
      const since = behindSince.get(socket) ?? now;
      behindSince.set(socket, since);
      if (now - since > STALLED_DROP_MS) socket.terminate();
    }
    if (behindSince.size > 0) schedulePush(); // the latest view for them once they have caught up
  };

  const stopEvents = backend.onEvent?.((event) => {
    const text = JSON.stringify(event);
    for (const socket of sockets.clients) sendText(socket, text);
  });

  backend.onChange(() => {
    viewStale = true;
    // Nobody to show it to: building the view (every source's last frame in hex...) was a tenth of serve's garbage.
    if (sockets.clients.size > 0) schedulePush();
  });

  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const accepted = new Set<WebSocket>();
  const refused = { total: 0, unlogged: 0, loggedAt: -Infinity };
  const refuse = (socket: WebSocket) => {
    socket.close(1013, `too many api connections (ui.maxConnections: ${maxConnections}); try again later`);
    refused.total++;
    refused.unlogged++;
    if (Date.now() - refused.loggedAt < REFUSED_LOG_INTERVAL_MS) return;
    options.warn?.(
      `ui: refused ${refused.unlogged} api connection(s) beyond ui.maxConnections (${maxConnections}) ` +
        `(${refused.total} in all); raise it if that many browser tabs are yours`,
    );
    refused.unlogged = 0;
    refused.loggedAt = Date.now();
  };

  // A logout ends that session's open sockets too, not only its later ones.
  const sessionOf = new Map<WebSocket, string>();
  login.onLogout((token) => {
    for (const [socket, session] of sessionOf) if (session === token) socket.terminate();
  });

  sockets.on('connection', (socket, req: IncomingMessage) => {
    // Counted apart from `clients`, which keeps refused sockets until their close handshake ends.
    if (accepted.size >= maxConnections) return refuse(socket);
    accepted.add(socket);
    const session = login.session(req);
    if (session !== undefined) sessionOf.set(socket, session);
    socket.on('close', () => (accepted.delete(socket), sessionOf.delete(socket), behindSince.delete(socket)));
    socket.on('error', () => socket.terminate());
    const text = currentView();
    if (text) sendText(socket, text);
    socket.on('message', async (raw) => {
      let json: unknown;
      try {
        json = JSON.parse(String(raw));
      } catch {
        return send(socket, { id: null, ok: false, error: { message: 'not JSON' } });
      }
      send(socket, await answerApiRequest(backend, json));
    });
  });

  await new Promise<void>((done, fail) => {
    http.once('error', fail);
    http.listen(options.port, options.host, () => (http.off('error', fail), done()));
  });
  const { port } = http.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    connectionsRefused: () => refused.total,
    close: async () => {
      clearTimeout(pending);
      stopEvents?.();
      for (const socket of sockets.clients) socket.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
