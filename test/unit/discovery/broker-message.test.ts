import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discoveryFilters, readBrokerMessage } from '../../../shared/discovery/broker-message.ts';

const options = { guard: { baseTopic: 'smartmeter' } };
const bytes = (text: string) => new TextEncoder().encode(text);
const read = (topic: string, payload: string, extra = {}) =>
  readBrokerMessage(topic, bytes(payload), { ...options, ...extra });

describe('readBrokerMessage', () => {
  it('reads LWT, INFO2, STATE and SENSOR of a Tasmota topic', () => {
    expect(read('tele/gplug/LWT', 'Offline')).toEqual({ device: { topic: 'gplug', online: false } });
    expect(read('tele/gplug/INFO2', '{"Info2":{"Hostname":"gplug-1","IPAddress":"192.168.1.5"}}')).toEqual({
      device: { topic: 'gplug', hostname: 'gplug-1', ip: '192.168.1.5' },
    });
    expect(read('tele/gplug/STATE', '{"Time":"t","Uptime":"0T01:00:00"}')).toEqual({ device: { topic: 'gplug' } });
    expect(read('tele/gplug/SENSOR', '{"Time":"t","z":{"SMid":"LGZ1","Pi":0.4}}')).toEqual({
      device: { topic: 'gplug', meter: { key: 'z', fields: ['SMid', 'Pi'], meterSerial: 'LGZ1' } },
      meter: {
        kind: 'tasmota',
        meterId: 'LGZ1',
        selector: 'gplug',
        topic: 'tele/gplug/SENSOR',
        fields: ['SMid', 'Pi'],
      },
    });
  });

  it('names a gPlug meter by its topic until a bundle with SMid arrives', () => {
    expect(read('tele/gplug/SENSOR', '{"Time":"t","z":{"Pi":0.4}}')).toMatchObject({ meter: { meterId: 'gplug' } });
  });

  it('reads the profile root by the topic rule and a configured raw prefix', () => {
    expect(read('smartmeter/m1/power/power_in', '{"value":1}')).toEqual({ own: true });
    expect(read('smartmeter/bridge/status', 'online')).toEqual({ own: true });
    expect(read('smartmeter/m1/ACTIVE_POWER_P', '{"value":1,"timestamp":1}')).toMatchObject({
      meter: { kind: 'datacollector', meterId: 'm1', fields: ['ACTIVE_POWER_P'] },
    });
    expect(read('smartmeter/m1/ACTIVE_POWER_P', '{"value":1}', { rawPrefix: 'raw' })).toBeNull();
    expect(read('raw//dev/ttyUSB0/ACTIVE_POWER_P', '{"value":1}', { rawPrefix: 'raw' })).toMatchObject({
      meter: { meterId: '/dev/ttyUSB0' },
    });
  });

  it('leaves the bridge’s own RL-DSP output out and lists others', () => {
    const ds = '{"meter":{"1.7.0":0.4}}';
    const own = { guard: { baseTopic: 'smartmeter', rlDspGroup: 'home' } };
    expect(read('dt/home/m1/ds', ds, own)).toEqual({ own: true });
    expect(read('dt/grid/m1/ds', ds, own)).toMatchObject({ meter: { kind: 'rl-dsp', selector: 'grid' } });
  });

  it('counts payloads that do not parse instead of listing or throwing', () => {
    expect(read('tele/gplug/SENSOR', '{')).toHaveProperty('invalid');
    expect(read('tasmota/discovery/A0B765123456/config', '[]')).toHaveProperty('invalid');
    expect(read('smartmeter/m1/ACTIVE_POWER_P', '"x"')).toHaveProperty('invalid');
    expect(read('tele/gplug/RESULT', '{}')).toBeNull();
    expect(read('tasmota/discovery/A0B765123456/other', '{}')).toBeNull();
  });

  it('never throws, whatever arrives on its subscriptions', () => {
    const topic = fc.oneof(
      fc.constantFrom(...discoveryFilters(options)).map((filter) => filter.replace(/\+/g, 'x').replace('#', 'm/NAME')),
      fc.string(),
    );
    fc.assert(
      fc.property(topic, fc.oneof(fc.json(), fc.string()), (t, payload) => {
        readBrokerMessage(t, bytes(payload), options);
      }),
    );
  });
});
