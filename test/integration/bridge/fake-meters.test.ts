/**
 * Any client that may publish on the broker can make up meters. The bridge takes at most `maxMeters` per source,
 * counts and logs (once per interval) what it refused, and keeps bridge info small: it never grows with a flood.
 * Fakes announced once cannot keep a real new meter out: once offline and silent for `silentMeterSeconds`, they leave
 * the count.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { broker, cleanupList, recorder, startBridge, waitFor } from './bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

describe('bridge service: made-up meters', () => {
  it('takes at most maxMeters from a source, counts the rest and logs them once', async () => {
    const mosquitto = await broker(cleanup);
    const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/bridge/info');
    const { service, log } = await startBridge(cleanup, mosquitto.url, {
      sources: [{ type: 'mqtt', id: 'gplug', gateway: 'tasmota', maxMeters: 3 }],
    });
    await waitFor(() => log.some((l) => l.includes('gplug: subscribed')), 'the gateway subscription');
    const faker = await mqtt.connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    cleanup.add(() => faker.endAsync(true));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10; i++) await faker.publishAsync(`tele/fake${i}/SENSOR`, '{"z":{"Pi":0.1}}', { qos: 1 });
    }

    const source = () => service.snapshot()!.sources[0]!.counters;
    await waitFor(() => source().framesOk === 20, 'every message read');
    expect(service.snapshot()!.meters.map((m) => m.meterId)).toEqual(['fake0', 'fake1', 'fake2']);
    expect(source().metersRefused).toBe(14);
    expect(log.filter((l) => l.includes('refused'))).toHaveLength(1);
    await waitFor(() => consumer.payloads('smartmeter/bridge/info').length >= 2, 'bridge info with the meters');
    expect(consumer.lastJson<{ meterCount: number }>('smartmeter/bridge/info')).toMatchObject({ meterCount: 3 });
  });

  it('lets meters silent for silentMeterSeconds leave a full source, so a real new meter gets in', async () => {
    const mosquitto = await broker(cleanup);
    const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/bridge/info');
    let clock = 1_800_000_000; // a test clock in Unix seconds: nobody sleeps ten minutes
    const { service, log } = await startBridge(
      cleanup,
      mosquitto.url,
      { sources: [{ type: 'mqtt', id: 'gplug', gateway: 'tasmota', maxMeters: 3 }] },
      { now: () => clock },
    );
    await waitFor(() => log.some((l) => l.includes('gplug: subscribed')), 'the gateway subscription');
    const client = await mqtt.connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    cleanup.add(() => client.endAsync(true));
    const source = () => service.snapshot()!.sources[0]!.counters;
    const meterIds = () => service.snapshot()!.meters.map((m) => m.meterId);

    for (let i = 0; i < 3; i++) await client.publishAsync(`tele/fake${i}/SENSOR`, '{"z":{"Pi":0.1}}', { qos: 1 });
    await client.publishAsync('tele/real/SENSOR', '{"z":{"Pi":0.2}}', { qos: 1 });
    await waitFor(() => source().framesOk === 4, 'every message read');
    expect(meterIds()).toEqual(['fake0', 'fake1', 'fake2']);
    expect(source().metersRefused).toBe(1);

    // Ten minutes of silence: the fakes go offline, and are still counted until a new meter needs their place.
    clock += 600;
    await waitFor(() => service.snapshot()!.meters.every((m) => !m.online), 'the fakes offline');
    await client.publishAsync('tele/real/SENSOR', '{"z":{"Pi":0.2}}', { qos: 1 });
    await waitFor(() => meterIds().includes('real'), 'the real meter taken');
    expect(meterIds()).toEqual(['real']);
    // What was refused stays counted, in the api and in bridge info.
    expect(source().metersRefused).toBe(1);
    clock += 10;
    await waitFor(
      () => consumer.lastJson<{ meterCount: number }>('smartmeter/bridge/info')?.meterCount === 1,
      'bridge info with the real meter',
    );
    expect(consumer.lastJson('smartmeter/bridge/info')).toMatchObject({ meterCount: 1, metersRefused: 1 });
  });
});
