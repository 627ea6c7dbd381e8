/**
 * What several translate instances publish beside the values: a datacollector push split across instances by the
 * shared subscription, Home Assistant discovery once per meter, and RL-DSP bundles, on a real Mosquitto.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startMosquitto } from '../../helpers/mosquitto.ts';
import { until } from '../../helpers/wait.ts';
import { FLEET_START, gatewayFleet, meterId, recorder, startTranslate } from './scale-out-kit.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The JSON messages on `filters` (status topics, plain text, are left out), in arrival order. */
async function watch(url: string, filters: string[]) {
  const messages: { topic: string; body: Record<string, unknown> }[] = [];
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `watch-${filters.join(',')}` });
  cleanups.push(() => client.endAsync());
  client.on('message', (topic, payload) => {
    if (payload[0] === 0x7b) messages.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> });
  });
  await client.subscribeAsync(filters, { qos: 1 });
  return messages;
}

/** These tests count live publications: a loaded machine must not send readings to `late` (ordering is tested apart). */
const LIVE_ONLY = ['--max-delay', '3600000'];

const pause = () => new Promise((resolve) => setTimeout(resolve, 1000));

describe('translate: outputs of several instances', () => {
  it('publishes each value of a datacollector push that the instances split, and no partial state bundle', async () => {
    const broker = await startMosquitto();
    cleanups.push(() => broker.dispose());
    const seen = await watch(broker.url, ['smartmeter/#']);
    const stats = await recorder(broker.url);
    cleanups.push(() => stats.close());
    const instances = ['d1', 'd2'].map((id) =>
      startTranslate(broker.url, id, ['--gateway', 'datacollector', ...LIVE_ONLY]),
    );
    for (const instance of instances) cleanups.push(() => instance.kill());
    await Promise.all(instances.map((i) => i.ready));

    const collector = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'datacollector' });
    cleanups.push(() => collector.endAsync());
    const points = {
      ACTIVE_POWER_P: 'power/power_in',
      ACTIVE_ENERGY_P: 'energy/energy_in',
      VOLTAGE_L1: 'voltage/voltage_l1',
    };
    const meters = ['dc-a', 'dc-b', 'dc-c'];
    const pushes = 3;
    for (let push = 0; push < pushes; push++) {
      const sends = meters.flatMap((meter, m) =>
        Object.keys(points).map((name, i) => {
          const body = { value: 1000 * m + 10 * push + i, timestamp: FLEET_START + push };
          return collector.publishAsync(`smartmeter/${meter}/${name}`, JSON.stringify(body), { qos: 1 });
        }),
      );
      await Promise.all(sends);
      await pause();
    }

    const valueAt = (meter: string, path: string, push: number) =>
      seen.some((s) => s.topic === `smartmeter/${meter}/${path}` && s.body.timestamp === FLEET_START + push);
    const complete = () =>
      meters.every((meter) =>
        Object.values(points).every((path) => [...Array(pushes).keys()].every((p) => valueAt(meter, path, p))),
      );
    await until(complete, 'every value of every push', 30_000).catch(() => undefined);
    expect(complete()).toBe(true);
    // Both instances took part of the pushes, and neither replaced a meter's state bundle with its part of one.
    await until(() => ['d1', 'd2'].every((id) => (stats.stats.get(id)?.received ?? 0) > 0), 'both instances');
    expect(seen.filter((s) => s.topic.endsWith('/state')).map((s) => s.topic)).toEqual([]);
  }, 60_000);

  it('announces each meter to Home Assistant once, whichever instance sees it, and publishes RL-DSP', async () => {
    const broker = await startMosquitto();
    cleanups.push(() => broker.dispose());
    const discovery = await watch(broker.url, ['homeassistant/device/+/config']);
    const rlDsp = await watch(broker.url, ['dt/fleet/+/ds']);
    const instances = ['h1', 'h2', 'h3'].map((id) =>
      startTranslate(broker.url, id, ['--rl-dsp', 'fleet', ...LIVE_ONLY]),
    );
    for (const instance of instances) cleanups.push(() => instance.kill());
    await Promise.all(instances.map((i) => i.ready));
    const gateways = 20;
    const seconds = 3;
    const fleet = await gatewayFleet(broker.url, gateways);
    cleanups.push(() => fleet.close());
    for (let second = 0; second < seconds; second++) {
      await fleet.publish(second);
      await pause();
    }

    const meters = [...Array(gateways).keys()].map(meterId);
    await until(() => rlDsp.length >= gateways * seconds, 'RL-DSP bundles', 30_000).catch(() => undefined);
    expect(rlDsp).toHaveLength(gateways * seconds);
    expect(rlDsp.find((m) => m.topic === 'dt/fleet/SM0/ds')!.body.meter).toMatchObject({ '1.8.0': 1000 });

    const nodes = discovery.map((d) => d.topic.split('/')[2]);
    expect(nodes.sort()).toEqual(meters.map((id) => `smartmeter_${id}`).sort());
    const first = discovery.find((d) => d.topic === 'homeassistant/device/smartmeter_SM0/config')!.body;
    expect(Object.keys(first.cmps as object).sort()).toEqual(['energy_in', 'power_in']);
    // N instances share no `<base>/bridge/status`: the meter's own status says whether its values are current.
    expect(first.availability).toEqual([{ topic: 'smartmeter/SM0/status' }]);
  }, 60_000);
});
