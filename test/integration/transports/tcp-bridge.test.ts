/** The TCP source against a real local server standing in for ser2net / ESP-Link: data, outage, comeback, idle. */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpSource, type TcpSourceOptions } from '../../../electron/core/transports/index.ts';
import { dsmr5Telegram, METER_ID } from '../../helpers/dsmr-telegram.ts';
import { until } from '../../helpers/wait.ts';
import { meterIds, record, type Seen } from './source-recorder.ts';

interface Bridge {
  port: number;
  /** Connections accepted so far, and those still open. */
  connections: number;
  readonly open: number;
  /** Closes every connection and stops listening: the bridge is switched off. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
}

let bridges: Bridge[] = [];
let source: TcpSource | null = null;

afterEach(async () => {
  await source?.stop();
  source = null;
  for (const bridge of bridges) await bridge.down();
  bridges = [];
});

/** A bridge that pushes a telegram every 100 ms to each client, or stays silent. */
async function startBridge(push = true): Promise<Bridge> {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  const bridge: Bridge = {
    port: 0,
    connections: 0,
    get open() {
      return sockets.size;
    },
    async up() {
      server = createServer((socket) => {
        bridge.connections++;
        sockets.add(socket);
        socket.on('error', () => undefined);
        const timer = push ? setInterval(() => socket.write(dsmr5Telegram()), 100) : undefined;
        socket.on('close', () => {
          clearInterval(timer);
          sockets.delete(socket);
        });
      });
      await new Promise<void>((resolve) => server!.listen(bridge.port, '127.0.0.1', resolve));
      bridge.port = (server.address() as { port: number }).port;
    },
    async down() {
      const running = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      if (running) await new Promise((resolve) => running.close(resolve));
    },
  };
  await bridge.up();
  bridges.push(bridge);
  return bridge;
}

function startSource(options: TcpSourceOptions): Seen {
  source = new TcpSource({ backoff: { minMs: 20, maxMs: 200 }, ...options });
  return record(source);
}

describe('TcpSource', () => {
  it('streams from the bridge, waits through an outage and reconnects by itself', async () => {
    const bridge = await startBridge();
    const seen = startSource({ host: '127.0.0.1', port: bridge.port });
    await until(() => meterIds(seen.chunks).length >= 2, 'telegrams');
    expect(meterIds(seen.chunks).every((id) => id === METER_ID)).toBe(true);
    expect(source!.state).toEqual({ state: 'open', detail: `127.0.0.1:${bridge.port}` });

    await bridge.down();
    await until(() => seen.states.some((s) => s.error?.kind === 'refused'), 'a refused reconnect');
    expect(seen.states.find((s) => s.error?.kind === 'refused')!.error!.message).toBe(
      `127.0.0.1:${bridge.port} refused the connection: is the bridge running and the port right?`,
    );
    seen.chunks.length = 0;

    await bridge.up();
    await until(() => meterIds(seen.chunks).length >= 2, 'telegrams after the comeback');
    expect(bridge.connections).toBe(2);
  });

  it('reconnects when a bridge keeps the socket open but sends nothing', async () => {
    const bridge = await startBridge(false);
    const seen = startSource({ host: '127.0.0.1', port: bridge.port, idleTimeoutMs: 200 });
    await until(() => bridge.connections >= 2, 'a second connection');
    expect(seen.states.find((s) => s.error)!.error).toEqual({
      kind: 'no-signal',
      message: `no data from 127.0.0.1:${bridge.port} for 200 ms`,
    });
  });

  it('closes its connection on stop()', async () => {
    const bridge = await startBridge();
    const seen = startSource({ host: '127.0.0.1', port: bridge.port });
    await until(() => seen.chunks.length > 0, 'data');
    await source!.stop();
    expect(source!.state).toEqual({ state: 'stopped' });
    await until(() => bridge.open === 0, 'the bridge to see the connection close');
    const connections = bridge.connections;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bridge.connections).toBe(connections);
  });
});
