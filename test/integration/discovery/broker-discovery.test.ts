/**
 * MQTT discovery on a real Mosquitto: retained Tasmota discovery and telemetry, smartmeter-datacollector and RL-DSP
 * streams, the bridge's own profile output on the same `smartmeter/` root, and an anonymous client inventing devices.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscoveryService } from '../../../electron/core/discovery/discovery-service.ts';
import { ORIGIN_PROPERTY } from '../../../shared/sources/loop-guard.ts';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';
import { until } from '../../helpers/wait.ts';
import { GPLUG_SENSOR } from './fake-tasmota.ts';

let broker: Mosquitto;
const clients: MqttClient[] = [];
const services: DiscoveryService[] = [];

async function publisher(protocolVersion: 4 | 5 = 4): Promise<MqttClient> {
  const client = await mqtt.connectAsync(broker.url, { protocolVersion });
  clients.push(client);
  return client;
}

function discovery(options: { maxDevices?: number; received?: string[]; rawPrefix?: string } = {}) {
  const service = new DiscoveryService({
    brokers: [
      { url: broker.url, protocolVersion: 5, guard: { baseTopic: 'smartmeter' }, rawPrefix: options.rawPrefix },
    ],
    outputBroker: broker.url,
    receivedIds: () => new Set(options.received ?? []),
    maxDevices: options.maxDevices,
  });
  services.push(service);
  service.start();
  return service;
}

const json = (value: unknown) => JSON.stringify(value);
const retained = { qos: 1, retain: true } as const;

beforeAll(async () => {
  broker = await startMosquitto();
  const gateway = await publisher();
  await gateway.publishAsync(
    'tasmota/discovery/A0B765123456/config',
    json({
      ip: '192.0.2.50',
      dn: 'gPlug Keller',
      hn: 'gplug-keller',
      mac: 'A0B765123456',
      md: 'ESP32-C3',
      sw: '14.3.0',
      t: 'gplug_keller',
      ft: '%prefix%/%topic%/',
      tp: ['cmnd', 'stat', 'tele'],
    }),
    retained,
  );
  await gateway.publishAsync('tasmota/discovery/A0B765123456/sensors', json({ sn: GPLUG_SENSOR, ver: 1 }), retained);
  await gateway.publishAsync('tele/gplug_keller/LWT', 'Online', retained);
  await gateway.publishAsync('tele/gplug_keller/SENSOR', json(GPLUG_SENSOR), retained);
  await gateway.publishAsync(
    'tele/plug_kitchen/INFO2',
    json({ Info2: { Hostname: 'plug-kitchen', IPAddress: '192.0.2.61' } }),
    retained,
  );
  await gateway.publishAsync(
    'tele/plug_kitchen/SENSOR',
    json({ Time: '2026-11-29T20:00:00', ANALOG: { Temperature1: 21.5 } }),
    retained,
  );
  await gateway.publishAsync('tele/broken/INFO1', '{not json', retained);
  // smartmeter-datacollector under the same root as the profile; its meter id may span levels.
  await gateway.publishAsync(
    'smartmeter/LGZ1030012345/ACTIVE_POWER_P',
    json({ value: 412, timestamp: 1795000000 }),
    retained,
  );
  await gateway.publishAsync(
    'smartmeter/LGZ1030012345/ACTIVE_ENERGY_P',
    json({ value: 6226327, timestamp: 1795000000 }),
    retained,
  );
  await gateway.publishAsync(
    'dt/grid/CH1012345/ds',
    json({ meter: { ts: '2026-11-29T20:00:00Z', '1.7.0': 0.4, '1.8.0': 6226.3 } }),
    retained,
  );
  // The bridge's own output: lower-case profile topics (MQTT 3.1.1 rule), and on MQTT 5 anything with the origin mark,
  // even a topic shaped like the datacollector's.
  await gateway.publishAsync('smartmeter/35012345/power/power_in', json({ value: 412, unit: 'W' }), retained);
  await gateway.publishAsync('smartmeter/35012345/state', json({ power_in: 412 }), retained);
  const bridge = await publisher(5);
  await bridge.publishAsync('smartmeter/35012345/ACTIVE_POWER_P', json({ value: 412, timestamp: 1795000000 }), {
    ...retained,
    properties: { userProperties: { [ORIGIN_PROPERTY]: '1' } },
  });
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.stop()));
  await Promise.all(clients.map((client) => client.endAsync()));
  await broker.dispose();
});

describe('MQTT discovery', () => {
  it('lists the gPlug with name, IP, MAC, firmware, meter fields, broker and topic, merged from every message', async () => {
    const service = discovery({ received: [] });
    await until(() => service.view().devices.some((d) => d.meter?.meterSerial), 'the gPlug with its meter');
    const gplug = service.view().devices.find((d) => d.mac === 'A0:B7:65:12:34:56');
    expect(gplug).toMatchObject({
      name: 'gPlug Keller',
      ip: '192.0.2.50',
      hostname: 'gplug-keller',
      firmware: '14.3.0',
      topic: 'gplug_keller',
      online: true,
      broker: broker.url,
      via: ['mqtt'],
      received: false,
      meter: { key: 'z', meterSerial: '35012345', fields: expect.arrayContaining(['Pi', 'Ei', 'U1']) },
    });
    expect(service.view().devices.filter((d) => d.topic === 'gplug_keller')).toHaveLength(1);
    // A Tasmota plug without a meter is a device, but no meter stream.
    expect(service.view().devices.find((d) => d.topic === 'plug_kitchen')).toMatchObject({ ip: '192.0.2.61' });
    expect(service.view().meters.some((m) => m.selector === 'plug_kitchen')).toBe(false);
    // tele/broken/INFO1 is not JSON: counted, not listed, nothing thrown.
    expect(service.view().counters.invalid).toBeGreaterThanOrEqual(1);
  });

  it('lists the meter streams with their IDs and the source that translates them', async () => {
    const service = discovery({ received: ['35012345'] });
    await until(() => service.view().meters.length >= 3, 'three meter streams');
    const meters = service.view().meters;
    expect(meters.map((m) => [m.kind, m.meterId]).sort()).toEqual([
      ['datacollector', 'LGZ1030012345'],
      ['rl-dsp', 'CH1012345'],
      ['tasmota', '35012345'],
    ]);
    expect(meters.find((m) => m.kind === 'tasmota')).toMatchObject({
      received: true,
      source: { type: 'mqtt', gateway: 'tasmota', topic: 'gplug_keller' },
    });
    await until(
      () => service.view().meters.find((m) => m.kind === 'datacollector')?.fields.length === 2,
      'both values',
    );
    expect(service.view().meters.find((m) => m.kind === 'datacollector')).toMatchObject({
      received: false,
      fields: expect.arrayContaining(['ACTIVE_POWER_P', 'ACTIVE_ENERGY_P']),
      source: { gateway: 'datacollector', topic: 'LGZ1030012345' },
    });
    expect(service.view().meters.find((m) => m.kind === 'rl-dsp')?.source).toEqual({
      type: 'mqtt',
      gateway: 'rl-dsp',
      topic: 'grid',
    });
  });

  it('never takes the bridge’s own profile output for a datacollector meter, by origin mark and by topic', async () => {
    const service = discovery();
    await until(() => service.view().counters.own >= 2, 'the own messages');
    expect(
      service
        .view()
        .meters.filter((m) => m.kind === 'datacollector')
        .map((m) => m.meterId),
    ).toEqual(['LGZ1030012345']);
  });

  it('reads datacollector streams under a configured raw prefix only', async () => {
    const raw = await publisher();
    await raw.publishAsync('raw/sdc/E450A/ACTIVE_POWER_P', json({ value: 100, timestamp: 1795000000 }), retained);
    const service = discovery({ rawPrefix: 'raw/sdc' });
    await until(() => service.view().meters.some((m) => m.meterId === 'E450A'), 'the meter under raw/sdc');
    expect(
      service
        .view()
        .meters.filter((m) => m.kind === 'datacollector')
        .map((m) => m.meterId),
    ).toEqual(['E450A']);
  });

  it('stays bounded when an anonymous client invents devices', async () => {
    const service = discovery({ maxDevices: 20 });
    await until(() => service.view().devices.length >= 2, 'the real devices');
    const flood = await publisher();
    for (let i = 0; i < 200; i++) await flood.publishAsync(`tele/fake${i}/LWT`, 'Online', { qos: 1 });
    await until(() => service.view().counters.overflow > 0, 'refused entries');
    expect(service.view().devices.length).toBe(20);
    expect(service.view().devices.some((d) => d.topic === 'gplug_keller')).toBe(true);
  });
});
