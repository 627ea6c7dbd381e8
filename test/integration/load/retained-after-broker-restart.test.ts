/**
 * A broker without persistence restarts (a home server's Mosquitto in its stock setup, a container): it comes back
 * with nothing retained. The bridge re-publishes every retained topic a consumer relies on, for itself and for every
 * meter (status, info, Home Assistant discovery), so Home Assistant's entities come back without waiting for anything.
 * Before issue 6 only the bridge's own status and info came back; every meter stayed unavailable.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { dsmrFleet } from '../../helpers/dsmr-fleet.ts';
import { bigBacklogMosquitto, lookUntil, serveConfig } from '../../helpers/load-kit.ts';
import { startServe } from '../../helpers/serve-process.ts';
import { cleanupList, tempDir } from '../bridge/bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const METERS = 3;
/** The retained topics that describe the bridge and its meters (value topics return with the next reading anyway). */
const DESCRIBING = /^(smartmeter\/[^/]+\/(status|info)|homeassistant\/.+\/config)$/;

/** Topic → payload of every retained message a consumer subscribing now receives. */
async function retainedNow(url: string): Promise<Map<string, string>> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const seen = new Map<string, string>();
  client.on('message', (topic, payload, packet) => packet.retain && seen.set(topic, payload.toString('utf8')));
  try {
    await client.subscribeAsync(['smartmeter/#', 'homeassistant/#'], { qos: 1 });
    // Retained messages follow the SUBACK at once; a short grace collects them all.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return seen;
  } finally {
    await client.endAsync(true);
  }
}

const describing = (retained: Map<string, string>) =>
  new Map([...retained].filter(([topic, payload]) => DESCRIBING.test(topic) && payload !== ''));

describe('load: a non-persistent broker restarts', () => {
  it('gets back every retained status, info and discovery topic of the bridge and each meter', async () => {
    const broker = await bigBacklogMosquitto();
    cleanup.add(() => broker.dispose());
    const fleet = await dsmrFleet(METERS);
    cleanup.add(() => fleet.close());
    const bridge = startServe(
      tempDir(cleanup, 'smb-it-retained-'),
      await serveConfig(broker.url, { sources: fleet.sources, profile: { homeAssistant: { enabled: true } } }),
    );
    cleanup.add(() => bridge.stop('SIGKILL'));
    fleet.play();
    const meterTopics = [...fleet.sent.keys()].flatMap((id) => [`smartmeter/${id}/status`, `smartmeter/${id}/info`]);
    const look = async () => describing(await retainedNow(broker.url));
    const before = await lookUntil(look, (seen) => meterTopics.every((t) => seen.has(t)), 60_000);
    expect(meterTopics.filter((t) => !before.has(t))).toEqual([]);
    expect([...before.keys()].filter((t) => t.startsWith('homeassistant/')).length).toBeGreaterThanOrEqual(METERS);

    await broker.stop();
    await broker.start();
    const after = await lookUntil(look, (seen) => [...before.keys()].every((t) => seen.has(t)), 60_000);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const topic of meterTopics.filter((t) => t.endsWith('/status')))
      expect(after.get(topic), topic).toBe('online');
  }, 300_000);
});
