/**
 * serial.extraPorts through the real `serve`: a socat pty named by a glob in the config is in listSerialPorts while
 * socat runs, and the `serialPorts` event reports it gone when socat ends, as the Devices page sees it.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEvent, SerialPortView } from '../../../shared/api.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { createPtyPair } from '../../helpers/pty-pair.ts';
import { startServe, type ServeProcess } from '../../helpers/serve-process.ts';
import { until } from '../../helpers/wait.ts';

const stops: (() => unknown)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

describe('serial.extraPorts in serve', () => {
  it('lists a configured socat pty, and pushes the list without it once socat ends', async () => {
    const pair = await createPtyPair();
    stops.push(() => pair.dispose());
    const dir = mkdtempSync(join(tmpdir(), 'smb-extra-ports-'));
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const serve: ServeProcess = startServe(dir, {
      ui: { port },
      embeddedBroker: { port: await freePort() },
      serial: { extraPorts: [join(dirname(pair.device), 'ttyB*')] },
    });
    stops.push(() => serve.stop());
    await until(() => serve.stderr().includes('UI and api on') || serve.child.exitCode !== null, 'serve', 60_000);

    const socket = new WebSocket(`ws://127.0.0.1:${port}/api`);
    stops.push(() => socket.close());
    const pushed: SerialPortView[][] = [];
    let listed: SerialPortView[] | undefined;
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as ApiEvent | { id: number; ok: true; result: SerialPortView[] };
      if ('event' in message && message.event === 'serialPorts') pushed.push(message.data);
      if ('id' in message && message.id === 1) listed = message.result;
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ id: 1, method: 'listSerialPorts' }));
    await until(() => listed !== undefined, 'the port list');
    expect(listed!.filter((p) => p.configured)).toEqual([
      { path: pair.device, device: realpathSync(pair.device), likelyMeterAdapter: false, configured: true },
    ]);

    await pair.unplug();
    await until(() => pushed.some((ports) => !ports.some((p) => p.configured)), 'a list pushed without the pty');
  }, 90_000);
});
