/**
 * What a consumer sees must stay true across faults: a broker restarted without persistence gets every retained
 * per-meter topic back (status, info, Home Assistant discovery), and a `serve` process killed outright (SIGKILL) and
 * restarted without its meter reports that meter offline instead of leaving its retained status `online` forever.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/mosquitto.ts';
import { startServe } from '../../helpers/serve-process.ts';
import { broker, cleanupList, retained, startBridge, tempDir, topicOf, waitFor } from './bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const DEVICE = 'gplug-e450';
/** The SMid of the bundle: the meter ID the profile's topics use. */
const METER = '35012345';
const BUNDLE = JSON.stringify({ Time: '2026-06-15T19:00:05', z: { SMid: METER, Pi: 1.234, Ei1: 10.5, Ei2: 2.5 } });

async function gplugSays(url: string): Promise<void> {
  const gplug = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  cleanup.add(() => gplug.endAsync(true));
  await gplug.publishAsync(`tele/${DEVICE}/SENSOR`, BUNDLE, { qos: 1 });
}

/** The retained payload of `topic` once it is `expected` (messages in flight may still be arriving), else the last. */
async function retainedSoon(url: string, topic: string, expected: (payload: string) => boolean): Promise<string> {
  const deadline = Date.now() + 15_000;
  let last: string | undefined;
  do last = await retained(url, topic);
  while ((last === undefined || !expected(last)) && Date.now() < deadline);
  return last ?? '(nothing retained)';
}

describe('bridge service: retained topics across faults', () => {
  it('re-publishes every retained per-meter topic after a broker restart without persistence', async () => {
    const mosquitto = await broker(cleanup);
    const gateways = await broker(cleanup); // the gPlug's own broker stays up: the meter stays online meanwhile
    const { service, log } = await startBridge(cleanup, mosquitto.url, {
      sources: [{ type: 'mqtt', id: 'gplug', gateway: 'tasmota', url: gateways.url }],
      profile: { homeAssistant: { enabled: true } },
    });
    await waitFor(() => log.some((l) => l.includes('gplug: subscribed')), 'the gateway subscription');
    await gplugSays(gateways.url);
    const status = topicOf(METER, 'status');
    const discovery = `homeassistant/device/smartmeter_${METER}/config`;
    await waitFor(() => service.snapshot()!.meters.length === 1, 'the meter');

    await mosquitto.stop();
    await mosquitto.start(); // same port, nothing retained any more
    await waitFor(() => log.filter((l) => l.includes('connected to')).length >= 2, 'the reconnect');

    const any = () => true;
    expect(await retainedSoon(mosquitto.url, status, any)).toBe('online');
    const info = await retainedSoon(mosquitto.url, topicOf(METER, 'info'), any);
    expect(JSON.parse(info)).toMatchObject({ meterId: METER });
    expect(JSON.parse(await retainedSoon(mosquitto.url, discovery, any)).dev).toMatchObject({ sn: METER });
    expect(await retainedSoon(mosquitto.url, 'smartmeter/bridge/status', any)).toBe('online');
  });

  it('reports a meter offline when the bridge is killed (SIGKILL) and restarted without it', async () => {
    const mosquitto = await broker(cleanup);
    const dir = tempDir(cleanup, 'smb-it-registry-');
    const config = {
      broker: { url: mosquitto.url },
      embeddedBroker: { enabled: false },
      ui: { port: await freePort() },
      sources: [{ type: 'mqtt', id: 'gplug', gateway: 'tasmota' }],
    };
    const first = startServe(dir, config);
    cleanup.add(() => first.stop('SIGKILL'));
    await waitFor(() => first.stderr().includes('gplug: subscribed'), 'the first run to subscribe');
    await gplugSays(mosquitto.url);
    const status = topicOf(METER, 'status');
    expect(await retainedSoon(mosquitto.url, status, (p) => p === 'online')).toBe('online');
    expect(await first.stop('SIGKILL')).toBeNull(); // a crash: no chance to say offline

    const second = startServe(dir, config);
    cleanup.add(() => second.stop('SIGKILL'));
    expect(await retainedSoon(mosquitto.url, status, (p) => p === 'offline')).toBe('offline');
  });
});
