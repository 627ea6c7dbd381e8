/**
 * `history.*` applies live (BridgeService.reconfigure): turning the history off stops writing at once, turning it on
 * again goes on in the same file, and a shorter raw retention removes the raw readings it no longer keeps (their
 * 1-minute rollups stay). A real Mosquitto and a gPlug publishing to it.
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import mqtt from 'mqtt';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig, type ResolvedConfig } from '../../../electron/core/config/load-config.ts';
import { HISTORY_FILE } from '../../../electron/core/history/open-history.ts';
import { broker, cleanupList, recorder, startBridge, tempDir, waitFor } from '../bridge/bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const DAY = 86_400;
const bundle = (kw: number) =>
  JSON.stringify({ Time: '2026-06-15T19:00:05', z: { SMid: '35012345', Pi: kw, Ei1: 10.5 } });

function rows(file: string, table: 'raw' | 'minute'): number {
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('history settings applied live', () => {
  it('off stops writing, on writes again, and a shorter raw retention removes older raw readings', async () => {
    const mosquitto = await broker(cleanup);
    const dataDir = tempDir(cleanup, 'smb-it-history-live-');
    const file = join(dataDir, HISTORY_FILE);
    const source = { type: 'mqtt', id: 'gplug', gateway: 'tasmota' };
    const settings = (history: Record<string, unknown>): ResolvedConfig => {
      // As startBridge has it, so that only the history changes.
      const profile = { homeAssistant: { enabled: false } };
      const input = {
        broker: { url: mosquitto.url },
        embeddedBroker: { enabled: false },
        profile,
        sources: [source],
        history,
      };
      const result = validateConfig(input, tmpdir());
      if (!result.ok) throw new Error(result.problems.join('; '));
      return result.config;
    };
    // The bridge's clock two days back: its readings are two days old when the retention changes.
    const now = () => Date.now() / 1000 - 2 * DAY;
    const bridge = await startBridge(cleanup, mosquitto.url, { sources: [source] }, { dataDir, now });
    await waitFor(() => bridge.log.some((l) => l.includes('gplug: subscribed')), 'the gateway subscription');
    const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/35012345/power/power_in');
    const gplug = await mqtt.connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    cleanup.add(() => gplug.endAsync(true));
    let sent = 0;
    const say = async (kw: number) => {
      await gplug.publishAsync('tele/gplug-e450/SENSOR', bundle(kw), { qos: 1 });
      sent++;
      await waitFor(() => consumer.payloads('smartmeter/35012345/power/power_in').length === sent, 'the reading');
    };

    await say(1.1);
    bridge.service.history()!.flush();
    const written = rows(file, 'raw');
    expect(written).toBeGreaterThan(0);

    await bridge.service.reconfigure(settings({ enabled: false }));
    expect(bridge.service.history()).toBeUndefined();
    await say(1.2);
    expect(rows(file, 'raw')).toBe(written);

    await bridge.service.reconfigure(settings({ enabled: true }));
    await say(1.3);
    bridge.service.history()!.flush();
    expect(rows(file, 'raw')).toBe(2 * written);

    // Raw readings kept one day now: the two-day-old ones go, their minute rollups stay.
    await bridge.service.reconfigure(settings({ enabled: true, rawDays: 1 }));
    bridge.service.history()!.flush();
    expect(rows(file, 'raw')).toBe(0);
    expect(rows(file, 'minute')).toBeGreaterThan(0);
  });
});
