/** The headless UI server: the bridge view and api over a WebSocket, for the browser UI, from a running service. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { validateConfig } from '../../../electron/core/config/load-config.ts';
import { BridgeService } from '../../../electron/core/service/bridge-service.ts';
import { silentLogger } from '../../../electron/core/service/logger.ts';
import { startApiServer, type ApiBackend, type ApiServer } from '../../../electron/server/api-server.ts';
import type { ApiEvent, ApiResponse } from '../../../shared/api.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { untilDefined } from '../../helpers/wait.ts';

let service: BridgeService;
let server: ApiServer;
let backend: ApiBackend;

beforeAll(async () => {
  const config = validateConfig({ embeddedBroker: { port: await freePort() } }, tmpdir());
  if (!config.ok) throw new Error(config.problems.join('; '));
  service = new BridgeService({
    config: config.config,
    dataDir: mkdtempSync(join(tmpdir(), 'smb-api-')),
    version: '0.0.0-test',
    log: silentLogger,
  });
  await service.start();
  backend = {
    getBridge: () => service.snapshot(),
    handlers: { listSerialPorts: async () => [] },
    onChange: (l) => service.on('change', l),
  };
  server = await startApiServer({ host: '127.0.0.1', port: 0, backend, pushIntervalMs: 20 });
});

afterAll(async () => {
  await server?.close();
  await service?.stop();
});

/** A raw HTTP request: the path and Host exactly as given (fetch would normalise both). */
function request(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: options.method ?? 'GET', headers: options.headers });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function open(
  headers: Record<string, string> = {},
): Promise<{ socket: WebSocket; messages: (ApiEvent | ApiResponse)[] }> {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api`, { headers });
  const messages: (ApiEvent | ApiResponse)[] = [];
  socket.on('message', (raw) => messages.push(JSON.parse(String(raw))));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, messages }));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('api over WebSocket', () => {
  it('pushes the bridge view on connect and answers requests by id', async () => {
    const { socket, messages } = await open();
    const first = await untilDefined(
      () => messages.find((m): m is Extract<ApiEvent, { event: 'bridge' }> => 'event' in m && m.event === 'bridge'),
      'the first view',
    );
    expect(first.data).toMatchObject({ version: '0.0.0-test', sources: [], meters: [] });
    expect(first.data.embeddedBroker?.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);

    socket.send(JSON.stringify({ id: 7, method: 'getBridge' }));
    socket.send(JSON.stringify({ id: 8, method: 'listSerialPorts' }));
    const answer = await untilDefined(
      () => messages.find((m): m is ApiResponse => 'id' in m && m.id === 7),
      'answer 7',
    );
    expect(answer).toMatchObject({ ok: true, result: { broker: { status: 'connected' } } });
    expect(await untilDefined(() => messages.find((m) => 'id' in m && m.id === 8), 'answer 8')).toEqual({
      id: 8,
      ok: true,
      result: [],
    });
    socket.close();
  });

  it('answers garbage with an error and keeps the connection', async () => {
    const { socket, messages } = await open();
    socket.send('{not json');
    socket.send(JSON.stringify({ id: 1, method: 'shutdown' }));
    socket.send(JSON.stringify({ id: 2, method: 'getBridge' }));
    await untilDefined(() => messages.find((m) => 'id' in m && m.id === 2), 'answer after garbage');
    const errors = messages.filter((m): m is ApiResponse => 'ok' in m && !m.ok);
    expect(errors).toEqual([
      { id: null, ok: false, error: { message: 'not JSON' } },
      { id: 1, ok: false, error: { message: expect.stringContaining('not a request') } },
    ]);
    socket.close();
  });

  it('refuses a socket opened by a page from another origin', async () => {
    await expect(open({ Origin: 'http://attacker.example' })).rejects.toThrow('HTTP 403');
  });

  it('refuses a socket whose Host is not this machine (DNS rebinding), even with a matching Origin', async () => {
    const evil = { Host: 'evil.example:8099', Origin: 'http://evil.example:8099' };
    await expect(open(evil)).rejects.toThrow('HTTP 421');
    const port = new URL(server.url).port;
    for (const host of [`localhost:${port}`, `[::1]:${port}`, `127.0.0.1:${port}`]) {
      const { socket } = await open({ Host: host, Origin: `http://${host}` });
      socket.close();
    }
  });

  it('says how to get the UI while none is built', async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('The bridge is running');
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('serves the built UI with a strict content security policy, and nothing outside its folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'smb-ui-'));
    const dir = join(root, 'renderer');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>UI</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'export {}');
    writeFileSync(join(root, 'secret.txt'), 'not for the browser');
    const ui = await startApiServer({ host: '127.0.0.1', port: 0, staticDir: dir, backend });
    try {
      const page = await fetch(ui.url);
      expect(await page.text()).toContain('<title>UI</title>');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      const script = await fetch(`${ui.url}/assets/app.js`);
      expect(script.headers.get('content-type')).toContain('text/javascript');
      expect((await fetch(`${ui.url}/%2e%2e/secret.txt`)).status).toBe(404);
      expect((await fetch(`${ui.url}/assets/missing.js`)).status).toBe(404);
      for (const path of ['/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', '/assets/..\\..\\secret.txt']) {
        const answer = await request(ui.url, path);
        expect(answer.status, path).toBeGreaterThanOrEqual(400);
        expect(answer.body, path).not.toContain('not for the browser');
      }
    } finally {
      await ui.close();
    }
  });

  it('answers malformed and hostile requests with an error status and keeps serving', async () => {
    expect((await request(server.url, '/%')).status).toBe(400);
    expect((await request(server.url, '/%E0%A4%A')).status).toBe(400);
    expect((await request(server.url, '/a%00b')).status).toBe(400);
    expect((await request(server.url, '/C:/Windows/win.ini')).status).toBe(400);
    expect((await request(server.url, '/%43%3A%5CWindows%5Cwin.ini')).status).toBe(400);
    expect((await request(server.url, '/', { method: 'DELETE' })).status).toBe(405);
    expect((await request(server.url, '/', { method: 'OPTIONS' })).headers.allow).toBe('GET, HEAD');
    expect((await request(server.url, '/', { headers: { 'X-Big': 'x'.repeat(64 * 1024) } })).status).toBe(431);
    expect((await request(server.url, '/', { headers: { Host: 'evil.example' } })).status).toBe(421);
    expect((await request(server.url, '/', { headers: { Host: 'localhost' } })).status).toBe(200);
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('accepts the host names the user configured, and only those', async () => {
    const ui = await startApiServer({ host: '127.0.0.1', port: 0, backend, allowedHosts: ['bridge.home.arpa'] });
    try {
      expect((await request(ui.url, '/', { headers: { Host: 'bridge.home.arpa:8099' } })).status).toBe(200);
      expect((await request(ui.url, '/', { headers: { Host: 'other.home.arpa' } })).status).toBe(421);
    } finally {
      await ui.close();
    }
  });
});
