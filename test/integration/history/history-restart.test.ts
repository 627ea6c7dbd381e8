/**
 * The history is on disk for good: readings a real `serve` wrote are still there after it was killed outright
 * (SIGKILL: at most the batch not yet written is lost) and after a restart, which goes on adding to the same file.
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../electron/core/history/history-store.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { startServe } from '../../helpers/serve-process.ts';
import { broker, cleanupList, tempDir, waitFor } from '../bridge/bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const bundle = (kw: number) =>
  JSON.stringify({ Time: '2026-06-15T19:00:05', z: { SMid: '35012345', Pi: kw, Ei1: 10.5 } });

/** Power readings in the history file, read as another process would while the bridge runs. */
function powerRows(file: string): { meter: string; v: number }[] {
  try {
    const db = new Sqlite(file, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare(
          "SELECT meter, v FROM raw JOIN series ON series.id = raw.series WHERE series.name = 'power_in' ORDER BY t",
        )
        .all() as { meter: string; v: number }[];
    } finally {
      db.close();
    }
  } catch {
    return []; // not created yet
  }
}

describe('history across a SIGKILL and a restart', () => {
  it('keeps what the killed bridge wrote and adds the restarted one’s readings', async () => {
    const mosquitto = await broker(cleanup);
    const dir = tempDir(cleanup, 'smb-it-history-');
    const file = join(dir, 'data', 'history.sqlite');
    const config = {
      broker: { url: mosquitto.url },
      embeddedBroker: { enabled: false },
      ui: { port: await freePort() },
      sources: [{ type: 'mqtt', id: 'gplug', gateway: 'tasmota' }],
    };
    const gplug = await mqtt.connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    cleanup.add(() => gplug.endAsync(true));
    const say = (kw: number) => gplug.publishAsync('tele/gplug-e450/SENSOR', bundle(kw), { qos: 1 });

    const first = startServe(dir, config);
    cleanup.add(() => first.stop('SIGKILL'));
    await waitFor(() => first.stderr().includes('gplug: subscribed'), 'the first run to subscribe');
    for (const kw of [1.1, 1.2, 1.3]) await say(kw);
    // History is written in batches (every few seconds), so allow a loaded machine well beyond one batch.
    await waitFor(() => powerRows(file).length === 3, 'three readings written by the first run', 60_000);
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = startServe(dir, config);
    cleanup.add(() => second.stop('SIGKILL'));
    await waitFor(() => second.stderr().includes('gplug: subscribed'), 'the second run to subscribe');
    await say(2.5);
    await waitFor(() => powerRows(file).length === 4, 'the restarted run’s reading', 60_000);
    expect(await second.stop('SIGTERM')).toBe(0);

    const store = new HistoryStore({
      file,
      rawSeconds: 86_400,
      minuteSeconds: 86_400,
      hourSeconds: 86_400,
      maxBytes: 1 << 30,
      flushMs: 60_000,
    });
    cleanup.add(() => store.close());
    const now = Date.now() / 1000;
    // The meter as the gateway source names it (its SMid or the device's topic).
    const meterId = powerRows(file)[0]!.meter;
    const [power] = store.query({ meterId, quantities: ['power_in'], from: now - 3600, to: now + 1 });
    expect(power).toMatchObject({ unit: 'W', resolution: 'raw', value: [1100, 1200, 1300, 2500] });
  });
});
