/**
 * An api client that stops reading (a frozen tab, a stalled network, a local process that never reads) must not make
 * the bridge keep every view it pushed meanwhile. Before, each change queued one more whole view for it in the bridge's
 * memory: three such sockets took `serve` with 1,000 gPlug meters from 146 MB to 557 MB in 30 s, without bound.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApiServer, type ApiServer } from '../../../electron/server/api-server.ts';
import type { BridgeView } from '../../../shared/api.ts';
import { until } from '../../helpers/wait.ts';

/** A view of about 1 MB, as a bridge with several hundred meters sends; `seq` tells the views apart. */
const PAD = 'x'.repeat(1 << 20);
const VIEWS = 150;
let seq = 0;
let changed: () => void = () => {};
let server: ApiServer;
let port: number;

beforeAll(async () => {
  server = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    backend: {
      getBridge: () => ({ seq, pad: PAD }) as unknown as BridgeView,
      handlers: {},
      onChange: (listener) => void (changed = listener),
    },
    pushIntervalMs: 1,
  });
  port = Number(new URL(server.url).port);
});
afterAll(() => server?.close());

/** A WebSocket client that reads the upgrade answer and then nothing, until `resume()`. */
function stalledClient(): Promise<{ socket: Socket; received: () => string }> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    );
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.once('data', () => {
      socket.pause();
      resolve({ socket, received: () => received });
    });
  });
}

/** A client that reads everything: the views it saw, newest last. */
async function readingClient(): Promise<number[]> {
  const seen: number[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { maxPayload: 64 << 20 });
  ws.on('message', (raw) => seen.push((JSON.parse(String(raw)) as { data: { seq: number } }).data.seq));
  await new Promise((resolve) => ws.once('open', resolve));
  return seen;
}

describe('api server: a client that stops reading', () => {
  it('is sent at most the views it can take, and the latest once it reads again; others get every change', async () => {
    const stalled = await stalledClient();
    const reader = await readingClient();
    for (seq = 1; seq <= VIEWS; seq++) {
      changed();
      await until(() => reader.at(-1) === seq, `view ${seq} at the reading client`, 30_000);
    }
    seq = VIEWS;
    stalled.socket.resume();
    // Before: all 150 views (over 150 MB) were waiting in the server for it. Now: what the kernel's socket buffers
    // held when it stalled, then the latest view.
    await until(() => stalled.received().includes(`"seq":${VIEWS},`), 'the latest view at the stalled client', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // anything still queued for it arrives meanwhile
    expect(stalled.received().length).toBeLessThan(40 << 20);
    stalled.socket.destroy();
  }, 120_000);
});
