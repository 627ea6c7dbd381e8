/**
 * Login for a UI served beyond loopback (`ui.host` on the LAN, or `ui.requireLogin`): one password (or long token)
 * from the config, checked in constant time; failed attempts slow down per client address; a good one gets a random
 * session cookie (HttpOnly, SameSite=Strict, Secure behind TLS) that the api WebSocket then requires.
 *
 *   GET  /session  {"required": bool, "authenticated": bool}    (the page asks before it opens the api)
 *   POST /login    {"password": "…"}  → 204 + cookie | 401 | 429 with Retry-After
 *   POST /logout   → 204, cookie cleared
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { sameOrigin } from './request-host.ts';

export const SESSION_COOKIE = 'smb_session';
const SESSION_SECONDS = 12 * 3600;
/** Sessions kept at most; the oldest goes first (a household has a few browsers, not hundreds). */
const MAX_SESSIONS = 64;
/** Failures allowed per address before each further attempt waits, doubling from 1 s up to MAX_LOCK_MS. */
const FREE_FAILURES = 5;
const MAX_LOCK_MS = 5 * 60_000;
/** Addresses whose failures are remembered at most (bounded against a spray of sources). */
const MAX_TRACKED = 1024;
const MAX_BODY = 4096;

const loginBody = z.strictObject({ password: z.string().min(1).max(1024) });

export interface UiLogin {
  /** Answers /session, /login and /logout; false for any other path (left to the caller). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  /** Whether the request carries a live session (always true when no login is required). */
  authenticated(req: IncomingMessage): boolean;
  /** The request's session token, if it carries one; for ending its sockets at logout. */
  session(req: IncomingMessage): string | undefined;
  /** Called with the token of a session that logged out. */
  onLogout(listener: (token: string) => void): void;
}

export interface UiLoginOptions {
  /** The configured password; undefined: no login (loopback only). */
  password: string | undefined;
  now?: () => number;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** TLS on this socket, or a reverse proxy on this machine saying it terminated TLS. */
function behindTls(req: IncomingMessage): boolean {
  if ('encrypted' in req.socket && req.socket.encrypted) return true;
  const peer = req.socket.remoteAddress ?? '';
  const loopbackPeer = peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.');
  return loopbackPeer && req.headers['x-forwarded-proto'] === 'https';
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    })
    .end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((done) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) return (done(undefined), req.destroy());
      parts.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => done(undefined));
  });
}

export function createUiLogin({ password, now = Date.now }: UiLoginOptions): UiLogin {
  const expected = password === undefined ? undefined : digest(password);
  const sessions = new Map<string, number>();
  const failures = new Map<string, { count: number; until: number }>();
  const logoutListeners: ((token: string) => void)[] = [];

  const live = (token: string | undefined) => {
    const expires = token === undefined ? undefined : sessions.get(token);
    if (expires !== undefined && expires <= now()) sessions.delete(token!);
    return expires !== undefined && expires > now();
  };
  const authenticated = (req: IncomingMessage) => expected === undefined || live(cookieValue(req, SESSION_COOKIE));

  const cookie = (req: IncomingMessage, value: string, maxAge: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${behindTls(req) ? '; Secure' : ''}`;

  const fail = (address: string) => {
    const entry = failures.get(address) ?? { count: 0, until: 0 };
    failures.delete(address); // re-inserted last: the map's first entries are the oldest
    entry.count++;
    if (entry.count >= FREE_FAILURES)
      entry.until = now() + Math.min(MAX_LOCK_MS, 1000 * 2 ** (entry.count - FREE_FAILURES));
    failures.set(address, entry);
    if (failures.size > MAX_TRACKED) failures.delete(failures.keys().next().value!);
  };

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const address = req.socket.remoteAddress ?? '';
    const wait = (failures.get(address)?.until ?? 0) - now();
    if (wait > 0)
      return json(res, 429, { error: 'too many attempts' }, { 'Retry-After': String(Math.ceil(wait / 1000)) });
    const parsed = loginBody.safeParse(
      await readBody(req).then((text) => {
        try {
          return JSON.parse(text ?? '');
        } catch {
          return undefined;
        }
      }),
    );
    if (!parsed.success) return json(res, 400, { error: 'expected {"password": "…"}' });
    if (!timingSafeEqual(digest(parsed.data.password), expected!)) {
      fail(address);
      return json(res, 401, { error: 'wrong password' });
    }
    failures.delete(address);
    const token = randomBytes(32).toString('base64url');
    sessions.set(token, now() + SESSION_SECONDS * 1000);
    if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
    res.writeHead(204, { 'Set-Cookie': cookie(req, token, SESSION_SECONDS), 'Cache-Control': 'no-store' }).end();
  }

  return {
    authenticated,
    session: (req) => cookieValue(req, SESSION_COOKIE),
    onLogout: (listener) => void logoutListeners.push(listener),
    handle(req, res, path) {
      if (path === '/session' && (req.method === 'GET' || req.method === 'HEAD')) {
        json(res, 200, { required: expected !== undefined, authenticated: authenticated(req) });
        return true;
      }
      if (path !== '/login' && path !== '/logout') return false;
      // A page on another site must not log the browser in or out (login CSRF).
      if (req.method !== 'POST') json(res, 405, { error: 'POST only' }, { Allow: 'POST' });
      else if (!sameOrigin(req)) json(res, 403, { error: 'other origin' });
      else if (path === '/logout') {
        const token = cookieValue(req, SESSION_COOKIE);
        if (token !== undefined && sessions.delete(token)) for (const listener of logoutListeners) listener(token);
        res.writeHead(204, { 'Set-Cookie': cookie(req, '', 0) }).end();
      } else if (expected === undefined) json(res, 404, { error: 'no login configured' });
      else void login(req, res);
      return true;
    },
  };
}
