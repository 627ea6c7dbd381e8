/**
 * Settings applied live (BridgeService.reconfigure): a changed broker, alias or source takes effect without a
 * restart of the process, and only what changed restarts.
 */
import { tmpdir } from 'node:os';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig, type ResolvedConfig } from '../../../electron/core/config/load-config.ts';
import { broker, cleanupList, recorder, retained, startBridge, topicOf, waitFor } from './bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const DEVICE = 'gplug-e450';
// Without SMid the meter is named by its device topic (a bundle's SMid would name it by its serial).
const sensor = (power: number) => JSON.stringify({ Time: '2026-06-15T19:00:05', z: { Pi: power } });

function config(input: Record<string, unknown>): ResolvedConfig {
  const result = validateConfig({ embeddedBroker: { enabled: false }, ...input }, tmpdir());
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
}

async function gplug(url: string) {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  cleanup.add(() => client.endAsync(true));
  return client;
}

/**
 * A bridge publishing to a first broker and reading a gPlug on a broker of its own, consumers on the first and on a
 * second broker, and the change that moves the output to the second.
 */
async function twoBrokers() {
  const [gateways, first, second] = await Promise.all([broker(cleanup), broker(cleanup), broker(cleanup)]);
  const source = { type: 'mqtt', id: 'gplug', gateway: 'tasmota', url: gateways.url };
  const bridge = await startBridge(cleanup, first.url, { sources: [source] });
  await waitFor(() => bridge.log.some((l) => l.includes('gplug: subscribed')), 'the gateway subscription');
  const switchBroker = () =>
    bridge.service.reconfigure(
      config({ broker: { url: second.url }, profile: { homeAssistant: { enabled: false } }, sources: [source] }),
    );
  return {
    bridge,
    device: await gplug(gateways.url),
    atFirst: await recorder(cleanup, first.url, 'smartmeter/#'),
    atSecond: { ...(await recorder(cleanup, second.url, 'smartmeter/#')), url: second.url },
    switchBroker,
  };
}

const powerIn = topicOf(DEVICE, 'power/power_in');

describe('bridge service: settings applied live', () => {
  it('switches to another broker without a restart, keeping the gateway source that reads its own broker', async () => {
    const { bridge, device, atFirst, atSecond, switchBroker } = await twoBrokers();
    await device.publishAsync(`tele/${DEVICE}/SENSOR`, sensor(1.2));
    await waitFor(() => atFirst.payloads(powerIn).length === 1, 'a value on the first broker');

    const subscriptions = bridge.log.filter((l) => l.includes('gplug: subscribed')).length;
    await switchBroker();
    await device.publishAsync(`tele/${DEVICE}/SENSOR`, sensor(1.5));
    await waitFor(() => atSecond.payloads(powerIn).length === 1, 'the value on the second broker');
    expect(JSON.parse(atSecond.payloads(powerIn)[0]!)).toMatchObject({ value: 1500, unit: 'W' });
    expect(atFirst.payloads(powerIn)).toHaveLength(1);
    // The first broker is told the bridge went away.
    expect(atFirst.messages.some((m) => m.topic === 'smartmeter/bridge/status' && m.payload === 'offline')).toBe(true);
    expect(bridge.log.filter((l) => l.includes('gplug: subscribed'))).toHaveLength(subscriptions);
    expect(bridge.service.snapshot()?.broker.url).toBe(atSecond.url);
  });

  it('loses nothing accepted while it switches brokers: each reading reaches the old broker or the new one', async () => {
    const { bridge, device, atFirst, atSecond, switchBroker } = await twoBrokers();
    const watts = Array.from({ length: 300 }, (_, i) => i + 1);
    // The readings keep coming while the bridge switches, as a meter's would.
    const sending = (async () => {
      for (const w of watts) await device.publishAsync(`tele/${DEVICE}/SENSOR`, sensor(w / 1000), { qos: 1 });
    })();
    await waitFor(() => atFirst.payloads(powerIn).length > 0, 'the first readings');
    await switchBroker();
    await sending;
    const received = () =>
      new Set(
        [...atFirst.payloads(powerIn), ...atSecond.payloads(powerIn)].map(
          (p) => (JSON.parse(p) as { value: number }).value,
        ),
      );
    // On failure, which readings are missing and the bridge's log say where they went.
    await waitFor(() => received().size === watts.length, 'every reading at one broker or the other').catch(() => {
      const missing = watts.filter((w) => !received().has(w));
      throw new Error(`readings lost: ${missing.join(', ')}\n${bridge.log.join('\n')}`);
    });
    expect([...received()].sort((a, b) => a - b)).toEqual(watts);
    expect(atSecond.payloads(powerIn).length).toBeGreaterThan(0);
  });

  it('moves a meter to its new alias topic, clearing the old ones and keeping its Home Assistant device and unique_id', async () => {
    const mosquitto = await broker(cleanup);
    const source = { type: 'mqtt', id: 'gplug', gateway: 'tasmota' };
    const homeAssistant = { enabled: true };
    const bridge = await startBridge(cleanup, mosquitto.url, { sources: [source], profile: { homeAssistant } });
    await waitFor(() => bridge.log.some((l) => l.includes('gplug: subscribed')), 'the gateway subscription');
    const consumer = await recorder(cleanup, mosquitto.url, '#');
    const device = await gplug(mosquitto.url);
    await device.publishAsync(`tele/${DEVICE}/SENSOR`, sensor(1.2));
    await waitFor(() => consumer.payloads(topicOf(DEVICE, 'power/power_in')).length === 1, 'the first value');
    const discoveries = () => consumer.messages.filter((m) => m.topic.startsWith('homeassistant/device/'));
    const firstDiscovery = discoveries().at(-1)!;

    await bridge.service.reconfigure(
      config({
        broker: { url: mosquitto.url },
        profile: { homeAssistant },
        sources: [source],
        meters: { [DEVICE]: { alias: 'house' } },
      }),
    );
    await device.publishAsync(`tele/${DEVICE}/SENSOR`, sensor(1.5));
    await waitFor(
      () => consumer.payloads(topicOf('house', 'power/power_in')).length === 1,
      'the value under the alias',
    );
    expect(consumer.payloads('smartmeter/house/status')).toContain('online');
    // Nothing stays retained under the old name (an empty retained payload deletes a topic), and it is not re-set.
    const oldTopics = ['status', 'info', 'state', 'power/power_in'].map((t) => `smartmeter/${DEVICE}/${t}`);
    for (const topic of oldTopics) {
      expect(await retained(mosquitto.url, topic), topic).toBeUndefined();
      expect(consumer.payloads(topic).at(-1), topic).toBe('');
    }
    for (const topic of ['status', 'info', 'state', 'power/power_in']) {
      expect(await retained(mosquitto.url, `smartmeter/house/${topic}`), topic).toBeDefined();
    }
    const lastDiscovery = discoveries().at(-1)!;
    expect(lastDiscovery.topic).toBe(firstDiscovery.topic);
    const ids = (m: { payload: string }) =>
      Object.values(
        (JSON.parse(m.payload) as { cmps: Record<string, { unique_id: string; state_topic: string }> }).cmps,
      );
    expect(ids(lastDiscovery).map((c) => c.unique_id)).toEqual(ids(firstDiscovery).map((c) => c.unique_id));
    expect(ids(lastDiscovery).every((c) => c.state_topic.startsWith('smartmeter/house/'))).toBe(true);
  });

  it('restores the previous broker when the changed one cannot start, and says why', async () => {
    const mosquitto = await broker(cleanup);
    const bridge = await startBridge(cleanup, mosquitto.url, {});
    const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/bridge/status');
    // The embedded broker on the port Mosquitto already listens on cannot start.
    const port = Number(new URL(mosquitto.url).port);
    await expect(bridge.service.reconfigure(config({ embeddedBroker: { enabled: true, port } }))).rejects.toThrow();
    await waitFor(() => consumer.payloads('smartmeter/bridge/status').at(-1) === 'online', 'the bridge back online');
    expect(bridge.log.some((l) => l.includes('the changed settings did not start'))).toBe(true);
    expect(bridge.service.snapshot()?.broker.url).toBe(mosquitto.url);
  });
});
