import { describe, expect, it } from 'vitest';
import type { ObisMessage } from '../../../shared/protocols/types.ts';
import {
  convertDatacollector,
  createDatacollectorGrouper,
  datacollectorFilters,
  DATACOLLECTOR_NAMES,
  type DatacollectorOptions,
} from '../../../shared/sources/datacollector.ts';
import { bytes, datacollectorValue } from './payloads.ts';

const T = 1714557605;

function read(topic: string, payload: string, options: DatacollectorOptions = {}): ObisMessage {
  const result = convertDatacollector(topic, bytes(payload), options);
  if (result === null || 'error' in result) throw new Error(`expected a message, got ${JSON.stringify(result)}`);
  return result;
}

function errorOf(topic: string, payload: string): { kind: string; message: string } {
  const result = convertDatacollector(topic, bytes(payload));
  if (result === null || !('error' in result)) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('smartmeter-datacollector converter', () => {
  it('reads one data point: NAME gives the OBIS code and unit, the topic the meter ID', () => {
    const message = read('smartmeter/LGZ1030653520967/ACTIVE_POWER_P', datacollectorValue(412.0, T));
    expect(message).toEqual({
      protocol: 'mqtt',
      meterId: 'LGZ1030653520967',
      timestamp: T,
      values: [{ obis: '1-0:1.7.0', value: 412, unit: 'W' }],
      info: { transport: 'datacollector' },
    });
  });

  it.each([
    ['ACTIVE_POWER_N', '1-0:2.7.0', 'W'],
    ['ACTIVE_POWER_P_L2', '1-0:41.7.0', 'W'],
    ['ACTIVE_POWER_N_L3', '1-0:62.7.0', 'W'],
    ['REACTIVE_POWER_P', '1-0:3.7.0', 'var'],
    ['REACTIVE_POWER_N_L1', '1-0:24.7.0', 'var'],
    ['CURRENT_L1', '1-0:31.7.0', 'A'],
    ['VOLTAGE_L3', '1-0:72.7.0', 'V'],
    ['POWER_FACTOR', '1-0:13.7.0', null],
    ['POWER_FACTOR_L2', '1-0:53.7.0', null],
    ['NET_FREQUENCY', '1-0:14.7.0', 'Hz'],
    ['ANGLE_UI_L2', '1-0:81.7.51', 'rad'],
    ['ACTIVE_ENERGY_P', '1-0:1.8.0', 'Wh'],
    ['ACTIVE_ENERGY_P_T2', '1-0:1.8.2', 'Wh'],
    ['ACTIVE_ENERGY_N_T1', '1-0:2.8.1', 'Wh'],
    ['ACTIVE_ENERGY_P_L1', '1-0:21.8.0', 'Wh'],
    ['REACTIVE_ENERGY_N', '1-0:4.8.0', 'varh'],
    ['REACTIVE_ENERGY_Q1', '1-0:5.8.0', 'varh'],
    ['REACTIVE_ENERGY_Q4_T2', '1-0:8.8.2', 'varh'],
  ])('%s is %s in %s', (name, obis, unit) => {
    expect(read(`smartmeter/m1/${name}`, datacollectorValue(1, T)).values).toEqual([{ obis, value: 1, unit }]);
  });

  it("knows the collector's 60 data point NAMEs, each under its own OBIS code", () => {
    const codes = [...DATACOLLECTOR_NAMES.values()].map((entry) => entry.obis);
    expect(new Set(codes).size).toBe(codes.length);
    expect(DATACOLLECTOR_NAMES.size).toBe(60);
  });

  it('accepts an "obis" member and an ISO timestamp, as later payloads may carry them', () => {
    const message = read(
      'smartmeter/m1/ACTIVE_POWER_P',
      '{"value":5,"timestamp":"2024-05-01T10:00:05","obis":"1-0:1.7.0*255"}',
    );
    expect(message.timestamp).toBe(T);
    expect(message.values[0]!.obis).toBe('1-0:1.7.0');
    // A NAME this table does not know is still read when the message names its register.
    expect(read('smartmeter/m1/ACTIVE_ENERGY_P_T3', '{"value":7,"timestamp":1,"obis":"1.0.1.8.3.255"}').values).toEqual(
      [{ obis: '1-0:1.8.3', value: 7, unit: null }],
    );
    expect(read('smartmeter/m1/SOMETHING_NEW', '{"value":7,"timestamp":1,"obis":"1.8.4"}').values[0]!.obis).toBe(
      '1-0:1.8.4',
    );
  });

  it('leaves the bridge-profile-shaped and other topics alone', () => {
    expect(convertDatacollector('smartmeter/m1/state', bytes('{}'))).toBeNull();
    expect(convertDatacollector('smartmeter/m1/power/power_in', bytes('{}'))).toBeNull();
    expect(convertDatacollector('smartmeter/bridge/status', bytes('online'))).toBeNull();
    expect(convertDatacollector('other/m1/ACTIVE_POWER_P', bytes('{}'))).toBeNull();
    expect(convertDatacollector('smartmeter//ACTIVE_POWER_P', bytes('{}'))).toBeNull();
    expect(convertDatacollector('smartmeter/m2/ACTIVE_POWER_P', bytes('{}'), { meters: ['m1'] })).toBeNull();
  });

  it('reads a meter named by its serial port path, whose ID spans several topic levels', () => {
    const message = read('smartmeter//dev/ttyUSB0/ACTIVE_POWER_P', datacollectorValue(412.0, T));
    expect(message).toMatchObject({ meterId: '/dev/ttyUSB0', values: [{ obis: '1-0:1.7.0', value: 412 }] });
    expect(read('smartmeter/site/a/VOLTAGE_L1', datacollectorValue(230, T)).meterId).toBe('site/a');
    expect(convertDatacollector('smartmeter/ACTIVE_POWER_P', bytes('{}'))).toBeNull();
  });

  it('subscribes meter IDs of one level and serial port paths (not its own value topics), or the configured meters', () => {
    expect(datacollectorFilters()).toEqual(['smartmeter/+/+', 'smartmeter//#']);
    expect(datacollectorFilters({ base: 'sm', meters: ['a', 'b'] })).toEqual(['sm/a/+', 'sm/b/+']);
  });

  it('turns bad payloads into errors that say what is wrong', () => {
    expect(errorOf('smartmeter/m1/ACTIVE_POWER_P', '412')).toMatchObject({ kind: 'syntax' });
    expect(errorOf('smartmeter/m1/ACTIVE_POWER_P', '{"timestamp":1}').message).toBe(
      'ACTIVE_POWER_P: "value" is missing, expected a number',
    );
    expect(errorOf('smartmeter/m1/ACTIVE_POWER_P', '{"value":"412","timestamp":1}').message).toMatch(/is a string/);
    expect(errorOf('smartmeter/m1/ACTIVE_POWER_P', '{"value":1,"timestamp":"soon"}').message).toMatch(
      /"timestamp" is neither/,
    );
    expect(errorOf('smartmeter/m1/ACTIVE_POWER_P', '{"value":1,"timestamp":1,"obis":"power"}').message).toMatch(
      /not an OBIS/,
    );
    expect(errorOf('smartmeter/m1/SOMETHING_NEW', '{"value":1,"timestamp":1}')).toMatchObject({ kind: 'unsupported' });
    expect(errorOf('smartmeter/m1/ACTIVE_POWER_P', '{"value":1,')).toMatchObject({ kind: 'syntax' });
  });
});

describe('datacollector grouper', () => {
  const value = (meterId: string, obis: string, v: number, timestamp: number | undefined = T): ObisMessage => ({
    protocol: 'mqtt',
    meterId,
    ...(timestamp !== undefined ? { timestamp } : {}),
    values: [{ obis, value: v, unit: 'W' }],
    info: { transport: 'datacollector' },
  });

  it("joins a meter's values of one timestamp into one reading, complete when the next timestamp starts", () => {
    const grouper = createDatacollectorGrouper({ quietMs: 1000 });
    expect(grouper.add(value('m1', '1-0:1.7.0', 1), 0)).toEqual([]);
    expect(grouper.add(value('m1', '1-0:2.7.0', 2), 10)).toEqual([]);
    const [done] = grouper.add(value('m1', '1-0:1.7.0', 3, T + 5), 20);
    expect(done).toMatchObject({ meterId: 'm1', timestamp: T, values: [{ value: 1 }, { value: 2 }] });
    expect(grouper.flushAll()).toMatchObject([{ timestamp: T + 5, values: [{ value: 3 }] }]);
  });

  it('starts a new reading when a register repeats, even with the same timestamp', () => {
    const grouper = createDatacollectorGrouper();
    grouper.add(value('m1', '1-0:1.7.0', 1), 0);
    expect(grouper.add(value('m1', '1-0:1.7.0', 2), 1)).toMatchObject([{ values: [{ value: 1 }] }]);
  });

  it('completes a reading after the quiet time, measured from its last value', () => {
    const grouper = createDatacollectorGrouper({ quietMs: 1000 });
    grouper.add(value('m1', '1-0:1.7.0', 1), 0);
    grouper.add(value('m1', '1-0:2.7.0', 2), 500);
    expect(grouper.nextFlushAt()).toBe(1500);
    expect(grouper.flush(1499)).toEqual([]);
    expect(grouper.flush(1500)).toMatchObject([{ values: [{ value: 1 }, { value: 2 }] }]);
    expect(grouper.nextFlushAt()).toBeUndefined();
    expect(grouper.flush(99999)).toEqual([]);
  });

  it('keeps meters apart', () => {
    const grouper = createDatacollectorGrouper({ quietMs: 1000 });
    grouper.add(value('m1', '1-0:1.7.0', 1), 0);
    grouper.add(value('m2', '1-0:1.7.0', 2), 600);
    expect(grouper.flush(1000)).toMatchObject([{ meterId: 'm1' }]);
    expect(grouper.flush(1600)).toMatchObject([{ meterId: 'm2' }]);
  });

  it('never holds more than maxMeters meters: the oldest reading is completed early rather than memory growing', () => {
    const grouper = createDatacollectorGrouper({ maxMeters: 64 });
    for (let i = 0; i < 64; i++) expect(grouper.add(value(`m${i}`, '1-0:1.7.0', i), i)).toEqual([]);
    expect(grouper.add(value('m64', '1-0:1.7.0', 64), 64)).toMatchObject([{ meterId: 'm0' }]);
    expect(grouper.flushAll()).toHaveLength(64);
  });

  it('holds a thousand meters by default, so a large installation is joined, not cut into pieces', () => {
    const grouper = createDatacollectorGrouper();
    for (let i = 0; i < 1000; i++) expect(grouper.add(value(`m${i}`, '1-0:1.7.0', i), i)).toEqual([]);
    expect(grouper.flushAll()).toHaveLength(1000);
  });

  it('completes a reading as soon as it has every data point of the previous push, without waiting', () => {
    const grouper = createDatacollectorGrouper({ quietMs: 2000 });
    grouper.add(value('m1', '1-0:1.7.0', 1), 0);
    grouper.add(value('m1', '1-0:2.7.0', 2), 1);
    expect(grouper.add(value('m1', '1-0:1.7.0', 3, T + 5), 5000)).toHaveLength(1); // first push: by the next one
    expect(grouper.add(value('m1', '1-0:2.7.0', 4, T + 5), 5001)).toMatchObject([
      { timestamp: T + 5, values: [{ value: 3 }, { value: 4 }] },
    ]);
    expect(grouper.nextFlushAt()).toBeUndefined();
  });

  it('passes on a data point that comes after its reading was completed, and waits for it from then on', () => {
    const grouper = createDatacollectorGrouper({ quietMs: 2000 });
    grouper.add(value('m1', '1-0:1.7.0', 1), 0); // the first push had one value
    expect(grouper.add(value('m1', '1-0:1.7.0', 2, T + 5), 10)).toMatchObject([
      { timestamp: T, values: [{ value: 1 }] },
      { timestamp: T + 5, values: [{ value: 2 }] },
    ]);
    expect(grouper.add(value('m1', '1-0:2.7.0', 3, T + 5), 11)).toEqual([]); // late: held
    expect(grouper.add(value('m1', '1-0:1.7.0', 4, T + 10), 20)).toMatchObject([
      { timestamp: T + 5, values: [{ value: 3 }] },
    ]);
    expect(grouper.add(value('m1', '1-0:2.7.0', 5, T + 10), 21)).toMatchObject([
      { timestamp: T + 10, values: [{ value: 4 }, { value: 5 }] },
    ]);
  });

  it('does not change the messages it was given', () => {
    const grouper = createDatacollectorGrouper();
    const first = value('m1', '1-0:1.7.0', 1);
    grouper.add(first, 0);
    grouper.add(value('m1', '1-0:2.7.0', 2), 0);
    expect(first.values).toHaveLength(1);
  });
});
