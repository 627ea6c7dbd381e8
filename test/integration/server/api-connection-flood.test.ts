/**
 * Any local process may open api sockets (no Origin header is allowed on loopback). 2,000 of them stopped the UI
 * answering within 5 s: each connection built and serialized the whole view (1.6 MB with 1,000 meters). Now at most
 * `ui.maxConnections` are open at once, the rest closed with the reason and counted, and the view is built once per
 * change, shared by every socket and every new connection.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApiServer, type ApiServer } from '../../../electron/server/api-server.ts';
import type { BridgeView } from '../../../shared/api.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { startServe, type ServeProcess } from '../../helpers/serve-process.ts';
import { until } from '../../helpers/wait.ts';
import { connectApi } from './api-client.ts';

interface Outcome {
  socket: WebSocket;
  /** The first event's name, when the server sent one. */
  first?: string;
  closed?: { code: number; reason: string };
}

/** Opens an api socket as a local process would (no Origin), noting its first event or how it was closed. */
function open(port: number): Promise<Outcome> {
  const outcome: Outcome = { socket: new WebSocket(`ws://127.0.0.1:${port}/api`, { maxPayload: 64 << 20 }) };
  return new Promise((resolve) => {
    outcome.socket.once('message', (raw) => {
      outcome.first = (JSON.parse(String(raw)) as { event?: string }).event;
      resolve(outcome);
    });
    outcome.socket.once('close', (code, reason) => {
      outcome.closed = { code, reason: String(reason) };
      resolve(outcome);
    });
    outcome.socket.once('error', () => undefined);
  });
}

const FLOOD = 300;
const CAP = 8;

describe('api server: a flood of connections against the real serve', () => {
  let serve: ServeProcess | undefined;
  afterAll(() => serve?.stop());

  it('keeps at most ui.maxConnections open, refuses the rest with the reason, and serves the UI again after', async () => {
    const port = await freePort();
    serve = startServe(mkdtempSync(join(tmpdir(), 'smb-flood-')), {
      ui: { port, maxConnections: CAP },
      embeddedBroker: { port: await freePort() },
    });
    await until(() => serve!.stderr().includes('UI and api on'), 'serve started', 60_000);

    const outcomes = await Promise.all(Array.from({ length: FLOOD }, () => open(port)));
    const served = outcomes.filter((o) => o.first === 'bridge');
    const refused = outcomes.filter((o) => o.closed);
    expect(served).toHaveLength(CAP);
    expect(refused).toHaveLength(FLOOD - CAP);
    expect(refused[0]!.closed).toEqual({
      code: 1013,
      reason: `too many api connections (ui.maxConnections: ${CAP}); try again later`,
    });
    // Counted and logged once, not once per socket.
    await until(() => serve!.stderr().includes('refused 1 api connection(s)'), 'the refusal logged');
    expect(serve.stderr().match(/api connection\(s\) beyond ui\.maxConnections/g)).toHaveLength(1);

    // The slots free up as their sockets close: the UI gets in and is answered.
    for (const o of served) o.socket.close();
    let again = await open(port);
    for (let tries = 0; again.first !== 'bridge' && tries < 100; tries++) {
      again.socket.terminate();
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await open(port);
    }
    expect(again.first).toBe('bridge');
    again.socket.close();
    const api = await connectApi(port);
    expect(await api.call('getBridge')).toMatchObject({ ok: true });
    api.close();
    for (const o of outcomes) o.socket.terminate();
  }, 120_000);
});

describe('api server: the view built once per change', () => {
  let server: ApiServer;
  afterAll(() => server?.close());

  it('shares one serialized view between every socket and every new connection', async () => {
    let builds = 0;
    let changed: () => void = () => {};
    server = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      pushIntervalMs: 1,
      backend: {
        getBridge: () => ({ build: ++builds }) as unknown as BridgeView,
        handlers: {},
        onChange: (listener) => void (changed = listener),
      },
    });
    const port = Number(new URL(server.url).port);
    const sockets = await Promise.all(Array.from({ length: 20 }, () => open(port)));
    expect(sockets.every((o) => o.first === 'bridge')).toBe(true);
    expect(builds).toBe(1); // before: one per connection
    const seen = sockets.map((o) => {
      const views: number[] = [];
      o.socket.on('message', (raw) => views.push((JSON.parse(String(raw)) as { data: { build: number } }).data.build));
      return views;
    });
    changed();
    await until(() => seen.every((views) => views.at(-1) === 2), 'the changed view at every socket');
    expect(builds).toBe(2);
    for (const o of sockets) o.socket.terminate();
  });
});
