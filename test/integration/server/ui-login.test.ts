/**
 * The UI's login, against the real `serve` process: a UI configured for the LAN refuses to start without a password;
 * with one, the api socket needs the session cookie from POST /login, and guessing is slowed down.
 */
import { request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../../helpers/mosquitto.ts';
import { startServe, type ServeProcess } from '../../helpers/serve-process.ts';
import { until } from '../../helpers/wait.ts';

const PASSWORD = 'correct horse battery staple';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function request(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      method: options.method ?? 'GET',
      headers: options.headers,
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const login = (port: number, password: string, headers: Record<string, string> = {}) =>
  request(port, '/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ password }),
  });

/** Opens the api socket; resolves with the first message, or with the HTTP status it was refused with. */
function openApi(port: number, cookie?: string): Promise<{ status: number; first?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers: cookie ? { Cookie: cookie } : {} });
    ws.once('message', (data) => (resolve({ status: 101, first: String(data) }), ws.close()));
    ws.once('unexpected-response', (_req, res) => (resolve({ status: res.statusCode! }), ws.terminate()));
    ws.once('error', () => resolve({ status: 0 }));
  });
}

function sessionCookie(answer: Answer): string {
  const header = [answer.headers['set-cookie'] ?? []].flat()[0] ?? '';
  return header.split(';')[0]!;
}

describe('UI login on a non-loopback UI', () => {
  it('serve refuses to start without ui.password, exit 2, naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smb-login-'));
    const serve = startServe(dir, { ui: { host: '0.0.0.0', port: await freePort() } });
    expect(await serve.exited).toBe(2);
    expect(serve.stderr()).toContain('ui.password');
  });

  describe('with a password', () => {
    let serve: ServeProcess;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'smb-login-'));
      // Bound to loopback, configured as if on the LAN: requireLogin is the honest seam (no traffic leaves loopback).
      serve = startServe(dir, {
        ui: { port, requireLogin: true, password: PASSWORD },
        embeddedBroker: { port: await freePort() },
      });
      await until(
        () => serve.stderr().includes('UI and api on') || serve.child.exitCode !== null,
        'serve started',
        60_000,
      );
      if (!serve.stderr().includes('UI and api on')) throw new Error(serve.stderr());
    }, 90_000);

    afterAll(async () => {
      await serve?.stop();
    });

    it('the page asks for the login; the api socket is refused without a session', async () => {
      const session = await request(port, '/session');
      expect(JSON.parse(session.body)).toEqual({ required: true, authenticated: false });
      expect((await openApi(port)).status).toBe(401);
      expect((await openApi(port, 'smb_session=made-up')).status).toBe(401);
    });

    it('the right password gives an HttpOnly, SameSite=Strict cookie that opens the api; logout ends it', async () => {
      const answer = await login(port, PASSWORD);
      expect(answer.status).toBe(204);
      const header = String([answer.headers['set-cookie']].flat()[0]);
      expect(header).toMatch(/HttpOnly/);
      expect(header).toMatch(/SameSite=Strict/);
      expect(header).not.toMatch(/Secure/); // plain http: a Secure cookie would never come back
      const cookie = sessionCookie(answer);
      expect(JSON.parse((await request(port, '/session', { headers: { Cookie: cookie } })).body)).toMatchObject({
        authenticated: true,
      });
      const api = await openApi(port, cookie);
      expect(api.status).toBe(101);
      expect(JSON.parse(api.first!)).toMatchObject({ event: 'bridge' });

      const open = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers: { Cookie: cookie } });
      await new Promise((resolve) => open.once('message', resolve));
      const closed = new Promise((resolve) => open.once('close', resolve));
      // A page on another site cannot log the browser out either.
      const foreign = { Cookie: cookie, Origin: 'http://evil.example' };
      expect((await request(port, '/logout', { method: 'POST', headers: foreign })).status).toBe(403);
      const logout = await request(port, '/logout', { method: 'POST', headers: { Cookie: cookie } });
      expect(logout.status).toBe(204);
      // The browser drops the cookie: same name and path, empty, expired.
      expect(String([logout.headers['set-cookie']].flat()[0])).toMatch(/^smb_session=; Path=\/; .*Max-Age=0/);
      await closed; // the open socket of that session ends too
      expect((await openApi(port, cookie)).status).toBe(401);
    });

    it('behind a TLS proxy on this machine the cookie is Secure', async () => {
      const answer = await login(port, PASSWORD, { 'X-Forwarded-Proto': 'https' });
      expect(String([answer.headers['set-cookie']].flat()[0])).toMatch(/; Secure/);
    });

    it('a page on another site cannot log the browser in', async () => {
      expect((await login(port, PASSWORD, { Origin: 'http://evil.example' })).status).toBe(403);
    });

    it('refuses bad bodies with 400 and never logs the password', async () => {
      expect((await request(port, '/login', { method: 'POST', body: 'password=x' })).status).toBe(400);
      expect(serve.stderr()).not.toContain(PASSWORD);
    });

    it('after 5 wrong passwords each attempt waits, even with the right one', async () => {
      for (let i = 0; i < 5; i++) expect((await login(port, `guess ${i}`)).status).toBe(401);
      const locked = await login(port, PASSWORD);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    });
  });
});
