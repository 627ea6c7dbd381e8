import { describe, expect, it } from 'vitest';
import { createGatewayReader } from '../../../shared/sources/index.ts';
import { bytes, datacollectorValue, GPLUG_IMMEDIATE, RL_DSP_BUNDLE } from './payloads.ts';

const ALL = [
  { kind: 'tasmota', timeZone: 'Europe/Zurich' },
  { kind: 'datacollector', quietMs: 1000 },
  { kind: 'rl-dsp' },
] as const;

describe('gateway reader', () => {
  it('subscribes every gateway once', () => {
    const reader = createGatewayReader([...ALL, { kind: 'tasmota' }], { baseTopic: 'smartmeter' });
    expect(reader.filters).toEqual(['tele/+/SENSOR', 'smartmeter/+/+', 'smartmeter//#', 'dt/+/+/ds']);
  });

  it('routes each message to its gateway and names the device', () => {
    const reader = createGatewayReader(ALL, { baseTopic: 'smartmeter' });
    expect(reader.read('tele/gplug/SENSOR', bytes(GPLUG_IMMEDIATE), 0)).toMatchObject({
      device: 'tasmota/gplug',
      outputs: [{ ok: true, device: 'tasmota/gplug', message: { info: { transport: 'tasmota' } } }],
    });
    expect(reader.read('dt/home/E1/ds', bytes(RL_DSP_BUNDLE), 0)).toMatchObject({
      device: 'rl-dsp/E1',
      outputs: [{ ok: true, message: { meterId: 'E1', info: { transport: 'rl-dsp' } } }],
    });
    expect(reader.read('tele/gplug/SENSOR', bytes('{'), 0)).toMatchObject({
      device: 'tasmota/gplug',
      outputs: [{ ok: false, device: 'tasmota/gplug', error: { kind: 'syntax' } }],
    });
  });

  it('joins datacollector values and hands them out when complete', () => {
    const reader = createGatewayReader(ALL, { baseTopic: 'smartmeter' });
    expect(reader.read('smartmeter/m1/ACTIVE_POWER_P', bytes(datacollectorValue(5, 100)), 0)).toEqual({
      device: 'datacollector/m1',
      outputs: [],
    });
    reader.read('smartmeter/m1/VOLTAGE_L1', bytes(datacollectorValue(230, 100)), 10);
    expect(reader.nextFlushAt()).toBe(1010);
    expect(reader.flush(1009)).toEqual([]);
    expect(reader.flush(1010)).toMatchObject([{ ok: true, device: 'datacollector/m1', message: { values: [{}, {}] } }]);
    reader.read('smartmeter/m2/ACTIVE_POWER_P', bytes(datacollectorValue(5, 100)), 0);
    expect(reader.flushAll()).toMatchObject([{ device: 'datacollector/m2' }]);
    expect(reader.nextFlushAt()).toBeUndefined();
  });

  it("ignores the bridge's own output and topics no gateway claims", () => {
    const reader = createGatewayReader(ALL, { baseTopic: 'smartmeter', rlDspGroup: 'home' });
    expect(reader.read('smartmeter/m1/state', bytes('{}'), 0)).toBeNull();
    expect(reader.read('dt/home/E1/ds', bytes(RL_DSP_BUNDLE), 0)).toBeNull();
    expect(reader.read('dt/other/E1/ds', bytes(RL_DSP_BUNDLE), 0)).not.toBeNull();
    expect(reader.read('some/topic', bytes('{}'), 0)).toBeNull();
  });

  it("reads a gPlug's clock in Swiss time when no zone is configured, whatever the machine's zone", () => {
    const reader = createGatewayReader([{ kind: 'tasmota' }], { baseTopic: 'smartmeter' });
    const out = reader.read('tele/gplug/SENSOR', bytes('{"Time":"2024-05-01T12:00:05","z":{"Pi":0.412}}'), 0);
    // 12:00:05 in Zurich (CEST, UTC+2) is 10:00:05 UTC.
    expect(out?.outputs).toMatchObject([{ ok: true, message: { timestamp: Date.UTC(2024, 4, 1, 10, 0, 5) / 1000 } }]);
  });

  it('joins a datacollector push as soon as it has every data point of the previous one', () => {
    const reader = createGatewayReader([{ kind: 'datacollector' }], { baseTopic: 'smartmeter' });
    const push = (t: number, at: number) =>
      ['ACTIVE_POWER_P', 'VOLTAGE_L1'].flatMap(
        (name, i) => reader.read(`smartmeter//dev/ttyUSB0/${name}`, bytes(datacollectorValue(i, t)), at + i)!.outputs,
      );
    expect(push(100, 0)).toEqual([]);
    // The first push ends when the next starts; from then on each push is out with its last value.
    expect(push(105, 5000)).toMatchObject([
      { ok: true, device: 'datacollector//dev/ttyUSB0', message: { timestamp: 100 } },
      { ok: true, message: { timestamp: 105 } },
    ]);
    expect(push(110, 10000)).toMatchObject([{ message: { timestamp: 110, values: [{}, {}] } }]);
    expect(reader.nextFlushAt()).toBeUndefined();
  });

  it('refuses an unknown time zone when it is configured, not per message', () => {
    expect(() =>
      createGatewayReader([{ kind: 'tasmota', timeZone: 'Mars/Olympus' }], { baseTopic: 'smartmeter' }),
    ).toThrow(/tasmota gateway: timeZone "Mars\/Olympus" is not a time zone/);
  });
});
