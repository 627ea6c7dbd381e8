/**
 * A key set in Meter settings decrypts that meter: the real `serve` reads an encrypted simulated Landis+Gyr E450
 * behind a TCP bridge. The meter shows with its system title; the UI saves the key under the meter ID (the meter the
 * user sees), the source's own key is removed, and the meter's values go on arriving, decrypted with the key saved
 * under its ID (ciphered frames name only the system title).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpSink } from '../../../electron/core/simulator/sinks.ts';
import type { BridgeView, MeterView } from '../../../shared/api.ts';
import { SIMULATED_METERS, type WireMeter } from '../../../shared/simulator/index.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { startServe, type ServeProcess } from '../../helpers/serve-process.ts';
import { until } from '../../helpers/wait.ts';
import { playMeter } from '../bridge/meter-player.ts';
import { connectApi, type ApiClient } from './api-client.ts';

const KEY = '5AD84121D9D20B364B7A11F3C1B5827F';
const meter = SIMULATED_METERS['lg-e450']!({ key: Buffer.from(KEY, 'hex') }) as WireMeter;
const SYSTEM_TITLE = '4C475A6773175D39';

let dir: string;
let api: ApiClient;
let serve: ServeProcess;
const stops: (() => unknown)[] = [];

async function bridge(): Promise<BridgeView> {
  const answer = await api.call('getBridge');
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.result as BridgeView;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smb-meter-key-'));
  const meterPort = await freePort();
  const sink = await tcpSink('127.0.0.1', meterPort);
  stops.push(() => sink.close());
  const player = playMeter(meter, (bytes) => sink.write(bytes), { intervalMs: 300 });
  stops.push(() => player.stop());
  const uiPort = await freePort();
  serve = startServe(dir, {
    ui: { port: uiPort },
    embeddedBroker: { port: await freePort() },
    sources: [{ type: 'tcp', id: 'e450', host: '127.0.0.1', port: meterPort, key: KEY }],
  });
  await until(() => serve.stderr().includes('UI and api on') || serve.child.exitCode !== null, 'serve', 60_000);
  api = await connectApi(uiPort);
}, 90_000);

afterAll(async () => {
  api?.close();
  await serve?.stop();
  for (const stop of stops.reverse()) await stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a DLMS key from Meter settings', () => {
  it('decrypts the meter it was saved for, under the meter ID the page shows', async () => {
    // The meter as the Meters page lists it (decrypted with the source key), with the system title its frames carry.
    const shown = await pollMeter((m) => m.readings.length > 0);
    expect(shown).toMatchObject({ meterId: meter.serial, systemTitle: SYSTEM_TITLE });

    const changedAt = Date.now() / 1000;
    const saved = await api.call('setSecret', { path: ['meters', meter.serial, 'key'], value: KEY });
    expect(saved, JSON.stringify(saved)).toMatchObject({ ok: true, result: { ok: true } });
    const removed = await api.call('deleteSecret', { path: ['sources', '0', 'key'] });
    expect(removed).toMatchObject({ ok: true, result: { ok: true } });

    // The source restarted with no key of its own: only the meter's key can open its frames now.
    const source = () => bridge().then((view) => view.sources[0]!);
    const errorsBefore = (await source()).counters.decryptErrors;
    const fresh = await pollMeter((m) => m.lastSeen > changedAt + 1);
    expect(fresh.readings.map((r) => r.quantity)).toEqual(expect.arrayContaining(['power_in', 'energy_in']));
    expect((await source()).counters.decryptErrors).toBe(errorsBefore);
  }, 90_000);
});

async function pollMeter(test: (meter: MeterView) => boolean): Promise<MeterView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = (await bridge()).meters.find((m) => m.meterId === meter.serial && test(m));
    if (found) return found;
    // A generous deadline, never a timed assertion: it only ends a wait that would otherwise hang.
    if (Date.now() > deadline) throw new Error(`timed out waiting for the meter: ${JSON.stringify(await bridge())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
