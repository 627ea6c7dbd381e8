/**
 * An encrypted wireless M-Bus heat meter (OMS security mode 5) read by the real `serve` from a socat pty, as a USB
 * stick passes its telegrams on (plain frames, and in an Amber stick's framing): the real `simulate --meter
 * wmbus-heat` writes into one end, a real Mosquitto takes the profile. Without a key every telegram is a counted decrypt error naming the meter; once the key is saved in
 * Meter settings under that meter ID (the api call the UI makes), its values arrive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeView, SourceView } from '../../../shared/api.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { runCli } from '../../helpers/cli-process.ts';
import { createPtyPair } from '../../helpers/pty-pair.ts';
import { startServe } from '../../helpers/serve-process.ts';
import { until } from '../../helpers/wait.ts';
import { connectApi } from '../server/api-client.ts';
import { broker, cleanupList, recorder, tempDir, topicOf, waitFor } from './bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const KEY = '0F1E2D3C4B5A69788796A5B4C3D2E1F0';
const METER_ID = '76543210'; // the simulated wmbus-heat meter

describe.each([
  { stick: 'raw', what: 'frames from the L-field' },
  { stick: 'amber', what: 'an Amber stick in command mode' },
])('serve: wireless M-Bus meter with its key from Meter settings, $what', ({ stick }) => {
  it('counts decrypt errors without the key and publishes heat values once the key is set via the api', async () => {
    const mosquitto = await broker(cleanup);
    const pair = await createPtyPair();
    cleanup.add(() => pair.dispose());
    const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/#');
    const uiPort = await freePort();
    const serve = startServe(tempDir(cleanup, 'smb-wmbus-'), {
      broker: { url: mosquitto.url },
      ui: { port: uiPort },
      sources: [{ type: 'serial', id: 'stick', port: pair.device, protocol: 'wmbus', stick }],
    });
    cleanup.add(() => serve.stop());
    await until(() => serve.stderr().includes('UI and api on') || serve.child.exitCode !== null, 'serve', 60_000);
    const api = await connectApi(uiPort);
    cleanup.add(() => api.close());
    const source = async (): Promise<SourceView> => {
      const answer = await api.call('getBridge');
      if (!answer.ok) throw new Error(answer.error.message);
      return (answer.result as BridgeView).sources[0]!;
    };
    const sourceUntil = async (check: (s: SourceView) => boolean, what: string): Promise<SourceView> => {
      // A generous deadline, never a timed assertion: it only ends a wait that would otherwise hang.
      const deadline = Date.now() + 30_000;
      for (let s = await source(); ; s = await source()) {
        if (check(s)) return s;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await sourceUntil((s) => s.state.state === 'open', 'the stick port to open');

    const target = `serial:${pair.meter}`;
    const simulate = ['simulate', '--meter', 'wmbus-heat', '--key', KEY, '--stick', stick, '--interval', '0.3'];
    const meter = runCli([...simulate, '--to', target]);
    cleanup.add(() => meter.kill());
    const locked = await sourceUntil((s) => s.counters.decryptErrors >= 2, 'two decrypt errors');
    expect(locked.counters.framesOk).toBe(0);
    expect(locked.counters.lastError).toMatchObject({ kind: 'decrypt', meterId: METER_ID });
    expect(consumer.messages.filter((m) => m.topic.startsWith(`smartmeter/${METER_ID}/`))).toEqual([]);

    const saved = await api.call('setSecret', { path: ['meters', METER_ID, 'key'], value: KEY });
    expect(saved, JSON.stringify(saved)).toMatchObject({ ok: true, result: { ok: true } });

    const energy = topicOf(METER_ID, 'heat/heat_energy');
    await waitFor(() => consumer.payloads(energy).length >= 2, 'heat energy from the decrypted meter', 30_000);
    expect(consumer.lastJson(energy)).toMatchObject({ unit: 'Wh' });
    expect(consumer.lastJson(topicOf(METER_ID, 'heat/heat_flow_temperature'))).toMatchObject({ unit: '°C' });
    expect((await source()).counters.framesOk).toBeGreaterThan(0);
    expect(serve.stderr()).not.toContain(KEY);
  }, 120_000);
});
