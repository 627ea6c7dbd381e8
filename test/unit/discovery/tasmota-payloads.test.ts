import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMeterObject } from '../../../shared/discovery/meter-object.ts';
import {
  readDiscoveryConfig,
  readDiscoverySensors,
  readInfo,
  readStatus0,
} from '../../../shared/discovery/tasmota-payloads.ts';

describe('Status 0', () => {
  const status0 = {
    Status: { Module: 1, DeviceName: 'gPlug', FriendlyName: ['Keller'], Topic: 'gplug_keller' },
    StatusFWR: { Version: '14.3.0(tasmota32)', Hardware: 'ESP32-C3' },
    StatusNET: { Hostname: 'gplug-1234', IPAddress: '192.168.1.50', Mac: 'a0:b7:65:12:34:56' },
    StatusMQT: { MqttHost: '192.168.1.2', MqttPort: 1883 },
    StatusSNS: { Time: '2026-11-29T20:00:05', z: { SMid: 35012345, Pi: 0.4 } },
  };

  it('gives the facts the Devices page shows', () => {
    expect(readStatus0(status0)).toEqual({
      name: 'gPlug',
      topic: 'gplug_keller',
      firmware: '14.3.0(tasmota32)',
      model: 'ESP32-C3',
      hostname: 'gplug-1234',
      ip: '192.168.1.50',
      mac: 'A0:B7:65:12:34:56',
      mqttHost: '192.168.1.2',
      mqttPort: 1883,
      meter: { key: 'z', fields: ['SMid', 'Pi'], meterSerial: '35012345' },
    });
  });

  it('drops a member of the wrong type instead of the device', () => {
    const odd = { ...status0, StatusMQT: { MqttHost: 42, MqttPort: 'x' }, StatusNET: { Mac: 'not a mac' } };
    expect(readStatus0(odd)).toMatchObject({ topic: 'gplug_keller', firmware: '14.3.0(tasmota32)' });
    expect(readStatus0(odd)).not.toHaveProperty('mqttHost');
    expect(readStatus0(odd)).not.toHaveProperty('mac');
  });

  it('is not a Tasmota answer without Status, StatusFWR or StatusNET', () => {
    for (const other of [{}, [], 'text', null, { Status: 'x' }, { hello: 'world' }]) {
      expect(readStatus0(other)).toBeUndefined();
    }
  });

  it('bounds the text a hostile device sends', () => {
    const long = 'x'.repeat(10_000);
    const facts = readStatus0({ Status: { Topic: long, DeviceName: long } });
    expect(facts?.topic?.length).toBeLessThanOrEqual(128);
  });
});

describe('tasmota/discovery', () => {
  it('reads config with the MAC of the topic as fallback', () => {
    const config = { ip: '192.168.1.50', dn: 'gPlug', hn: 'gplug-1234', md: 'ESP32-C3', sw: '14.3.0', t: 'gplug' };
    expect(readDiscoveryConfig(config, 'A0:B7:65:12:34:56')).toEqual({
      ip: '192.168.1.50',
      name: 'gPlug',
      hostname: 'gplug-1234',
      mac: 'A0:B7:65:12:34:56',
      model: 'ESP32-C3',
      firmware: '14.3.0',
      topic: 'gplug',
    });
    expect(readDiscoveryConfig({ dn: 'no identity' }, undefined)).toBeUndefined();
  });

  it('reads the meter object from sensors', () => {
    const sensors = { sn: { Time: 't', z: { SMid: 'LGZ1', Ei: 1 } }, ver: 1 };
    expect(readDiscoverySensors(sensors, 'A0:B7:65:12:34:56')).toEqual({
      mac: 'A0:B7:65:12:34:56',
      meter: { key: 'z', fields: ['SMid', 'Ei'], meterSerial: 'LGZ1' },
    });
  });
});

describe('INFO1..3', () => {
  it('reads the nested form (Tasmota 9 and later) and the flat one', () => {
    expect(readInfo({ Info1: { Module: 'Generic', Version: '14.3.0' } }, 1)).toEqual({
      model: 'Generic',
      firmware: '14.3.0',
    });
    expect(readInfo({ Hostname: 'gplug', IPAddress: '192.168.1.50' }, 2)).toEqual({
      hostname: 'gplug',
      ip: '192.168.1.50',
    });
    expect(readInfo({ Info2: { IPAddress: '0.0.0.0' } }, 2)).toEqual({});
  });
});

describe('meter object', () => {
  it('finds gPlug, SML and P1 objects and leaves plugs and thermometers out', () => {
    expect(findMeterObject({ Time: 't', z: {} })).toEqual({ key: 'z', fields: [] });
    expect(findMeterObject({ Time: 't', SML: { Total_in: 6226.3, Power_curr: 412 } })?.key).toBe('SML');
    expect(findMeterObject({ Time: 't', E450: { Pi: 0.4 } })?.key).toBe('E450');
    expect(findMeterObject({ Time: 't', ENERGY: { Total: 12.5, Power: 40 } })).toBeUndefined();
    expect(findMeterObject({ Time: 't', DS18B20: { Temperature: 21.5 } })).toBeUndefined();
    expect(findMeterObject({ Time: 't', ANALOG: { A0: 512 } })).toBeUndefined();
    expect(findMeterObject('x')).toBeUndefined();
  });

  it('keeps at most 64 field names', () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, i]));
    expect(findMeterObject({ z: many })?.fields).toHaveLength(64);
  });
});

describe('any JSON a device sends', () => {
  it('gives facts or nothing, never an exception, from every reader', () => {
    const shaped = fc.record({
      Status: fc.anything(),
      StatusNET: fc.anything(),
      StatusSNS: fc.anything(),
      Info2: fc.anything(),
      sn: fc.anything(),
    });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), shaped), (json) => {
        readStatus0(json);
        readDiscoveryConfig(json, undefined);
        readDiscoverySensors(json, 'A0:B7:65:12:34:56');
        readInfo(json, 2);
        findMeterObject(json);
      }),
    );
  });
});
