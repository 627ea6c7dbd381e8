import { describe, expect, it } from 'vitest';
import type { ObisMessage } from '../../../shared/protocols/types.ts';
import { MAX_PAYLOAD_BYTES } from '../../../shared/sources/json.ts';
import { MeterPublications } from '../../../electron/core/pipeline/meter-publications.ts';
import { createGatewayReader } from '../../../shared/sources/index.ts';
import {
  convertTasmota,
  tasmotaFilters,
  TasmotaMeterIds,
  type TasmotaOptions,
} from '../../../shared/sources/tasmota.ts';
import { bytes, GPLUG_BUNDLE_KW, GPLUG_BUNDLE_W, GPLUG_IMMEDIATE } from './payloads.ts';

const ZURICH: TasmotaOptions = { timeZone: 'Europe/Zurich' };
const TOPIC = 'tele/gplug-kitchen/SENSOR';

function read(payload: string, options: TasmotaOptions = ZURICH, topic = TOPIC): ObisMessage {
  const result = convertTasmota(topic, bytes(payload), options);
  if (result === null || 'error' in result) throw new Error(`expected a message, got ${JSON.stringify(result)}`);
  return result;
}

function errorOf(payload: string | Uint8Array, options: TasmotaOptions = ZURICH): string {
  const result = convertTasmota(TOPIC, typeof payload === 'string' ? bytes(payload) : payload, options);
  if (result === null || !('error' in result)) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  expect(result.meterId).toBe('gplug-kitchen');
  expect(result.error.kind).toBe('syntax');
  return result.error.message;
}

const valueOf = (message: ObisMessage, obis: string) => message.values.find((v) => v.obis === obis);

describe('gPlug / Tasmota converter', () => {
  it('reads the periodic bundle of a newer script: every field with its OBIS code and the unit the script uses', () => {
    const message = read(GPLUG_BUNDLE_KW);
    expect(message.protocol).toBe('mqtt');
    expect(message.info.transport).toBe('tasmota');
    expect(message.meterId).toBe('71234567'); // the bundle's SMid
    // 12:00:05 in Zurich in May (CEST, UTC+2) is 10:00:05 UTC.
    expect(message.timestamp).toBe(Date.UTC(2024, 4, 1, 10, 0, 5) / 1000);
    expect(message.values).toContainEqual({ obis: '0-0:96.1.0', value: '71234567', unit: null });
    expect(message.values).toContainEqual({ obis: '1-0:1.7.0', value: 0.412, unit: 'kW' });
    expect(message.values).toContainEqual({ obis: '1-0:2.7.0', value: 0, unit: 'kW' });
    expect(message.values).toContainEqual({ obis: '1-0:41.7.0', value: 0.2, unit: 'kW' });
    expect(message.values).toContainEqual({ obis: '1-0:62.7.0', value: 0, unit: 'kW' });
    expect(message.values).toContainEqual({ obis: '1-0:52.7.0', value: 230.9, unit: 'V' });
    expect(message.values).toContainEqual({ obis: '1-0:71.7.0', value: 0.4, unit: 'A' });
    expect(message.values).toContainEqual({ obis: '1-0:1.8.0', value: 12345.678, unit: 'kWh' });
    expect(message.values).toContainEqual({ obis: '1-0:1.8.2', value: 4345.178, unit: 'kWh' });
    expect(message.values).toContainEqual({ obis: '1-0:2.8.1', value: 300, unit: 'kWh' });
    expect(message.values).toContainEqual({ obis: '1-0:5.8.0', value: 100.5, unit: 'kvarh' });
    expect(message.values).toContainEqual({ obis: '1-0:8.8.0', value: 50.75, unit: 'kvarh' });
    expect(message.values).toContainEqual({ obis: '1-0:5.8.2', value: 40, unit: 'kvarh' });
    expect(message.values).toHaveLength(27);
  });

  it('reads the one-value immediate message alike', () => {
    const message = read(GPLUG_IMMEDIATE);
    expect(message.values).toEqual([{ obis: '1-0:1.7.0', value: 0.398, unit: 'kW' }]);
    expect(message.meterId).toBe('gplug-kitchen');
    expect(message.timestamp).toBe(Date.UTC(2024, 4, 1, 10, 0, 7) / 1000);
  });

  it('reads an older script in W, with its P1i/P1o and V1..V3 names on the same OBIS codes as Pi1/Po1 and U1..U3', () => {
    const message = read(GPLUG_BUNDLE_W);
    expect(valueOf(message, '1-0:1.7.0')).toEqual({ obis: '1-0:1.7.0', value: 412, unit: 'W' });
    expect(valueOf(message, '1-0:21.7.0')).toEqual({ obis: '1-0:21.7.0', value: 120, unit: 'W' });
    expect(valueOf(message, '1-0:22.7.0')).toEqual({ obis: '1-0:22.7.0', value: 0, unit: 'W' });
    expect(valueOf(message, '1-0:32.7.0')).toEqual({ obis: '1-0:32.7.0', value: 231, unit: 'V' });
    expect(valueOf(message, '0-0:96.1.0')?.value).toBe('LGZ1030653520967');
    expect(valueOf(message, '1-0:1.8.0')).toBeUndefined(); // not sent: no value invented
  });

  it('decides W or kW per number from its text, so a whole kW value printed as 1.000 stays kW', () => {
    // JSON.parse reads 1.000 as 1: a rule on the parsed number would take it for 1 W.
    const message = read('{"z":{"Pi":1.000,"P1i":1000,"Po":2e-3}}');
    expect(message.values).toEqual([
      { obis: '1-0:1.7.0', value: 1, unit: 'kW' },
      { obis: '1-0:21.7.0', value: 1000, unit: 'W' },
      { obis: '1-0:2.7.0', value: 0.002, unit: 'kW' },
    ]);
  });

  it('lets the user state the power unit where the script prints it unusually', () => {
    expect(read('{"z":{"Pi":1}}', { ...ZURICH, powerUnit: 'kW' }).values[0]!.unit).toBe('kW');
    expect(read('{"z":{"Pi":412.5}}', { ...ZURICH, powerUnit: 'W' }).values[0]!.unit).toBe('W');
    // Only power depends on it: energies stay kWh.
    expect(read('{"z":{"Ei":5}}', { ...ZURICH, powerUnit: 'W' }).values[0]!.unit).toBe('kWh');
  });

  it('skips fields it has no OBIS meaning for and sends what it knows', () => {
    const message = read('{"z":{"TS":"240501120005","Pi":0.1,"custom":{"a":1}}}');
    expect(message.values).toEqual([{ obis: '1-0:1.7.0', value: 0.1, unit: 'kW' }]);
  });

  it('gives no timestamp while Tasmota has no clock yet (it counts from 1970 until NTP), nor without "Time"', () => {
    expect(read('{"Time":"1970-01-01T00:03:12","z":{"Pi":0.1}}').timestamp).toBeUndefined();
    expect(read('{"z":{"Pi":0.1}}').timestamp).toBeUndefined();
  });

  it('reads a "Time" that carries an offset (Tasmota SetOption52) by that offset, whatever the configured zone', () => {
    const message = read('{"Time":"2024-05-01T12:00:05+02:00","z":{"Pi":0.1}}', { timeZone: 'America/New_York' });
    expect(message.timestamp).toBe(Date.UTC(2024, 4, 1, 10, 0, 5) / 1000);
  });

  it('reads the clock in the configured zone', () => {
    const message = read('{"Time":"2024-01-15T08:00:00","z":{"Pi":0.1}}', { timeZone: 'UTC' });
    expect(message.timestamp).toBe(Date.UTC(2024, 0, 15, 8) / 1000);
  });

  it('leaves other topics and other Tasmota sensors alone', () => {
    expect(convertTasmota('stat/gplug-kitchen/RESULT', bytes(GPLUG_IMMEDIATE), ZURICH)).toBeNull();
    expect(convertTasmota('tele/gplug-kitchen/STATE', bytes(GPLUG_IMMEDIATE), ZURICH)).toBeNull();
    expect(convertTasmota('tele/a/b/SENSOR', bytes(GPLUG_IMMEDIATE), ZURICH)).toBeNull();
    // A Tasmota plug's energy sensor on the same topic pattern: no "z", not a meter.
    expect(
      convertTasmota('tele/plug/SENSOR', bytes('{"Time":"2024-05-01T12:00:05","ENERGY":{"Power":5}}'), ZURICH),
    ).toBeNull();
  });

  it('reads only the configured devices, under the configured prefix and sensor key', () => {
    const options: TasmotaOptions = { ...ZURICH, devices: ['meter-1'], prefix: 'tasmota/tele', sensorKey: 'SML' };
    expect(tasmotaFilters(options)).toEqual(['tasmota/tele/meter-1/SENSOR']);
    expect(read('{"SML":{"Pi":0.5}}', options, 'tasmota/tele/meter-1/SENSOR').values).toHaveLength(1);
    expect(convertTasmota('tasmota/tele/meter-2/SENSOR', bytes('{"SML":{"Pi":0.5}}'), options)).toBeNull();
    expect(convertTasmota('tasmota/tele/meter-1/SENSOR', bytes('{"z":{"Pi":0.5}}'), options)).toBeNull();
    expect(tasmotaFilters()).toEqual(['tele/+/SENSOR']);
  });

  it('turns bad payloads into syntax errors that say what is wrong', () => {
    expect(errorOf('{"z":{"Pi":0.1')).toMatch(/not JSON/);
    expect(errorOf(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toMatch(/not UTF-8/);
    expect(errorOf('[1,2]')).toMatch(/an array, expected a JSON object/);
    expect(errorOf('{"z":[0.1]}')).toMatch(/"z" is an array/);
    expect(errorOf('{"z":{"Pi":"0.412"}}')).toBe('"z.Pi" is a string, expected a number');
    expect(errorOf('{"z":{"Ei":null}}')).toBe('"z.Ei" is null, expected a number');
    expect(errorOf('{"z":{"Pi":1e999}}')).toMatch(/"z.Pi" is a number out of range/);
    expect(errorOf('{"z":{"SMid":{"x":1}}}')).toMatch(/"z.SMid" is an object, expected the meter ID/);
    expect(errorOf('{"Time":"yesterday","z":{"Pi":0.1}}')).toMatch(/"Time" is "yesterday", expected a date-time/);
    expect(errorOf('{"Time":"2024-02-30T12:00:00","z":{"Pi":0.1}}')).toMatch(/expected a date-time/);
    expect(errorOf('{"Time":12,"z":{"Pi":0.1}}')).toMatch(/"Time" is a number/);
    expect(errorOf(new Uint8Array(MAX_PAYLOAD_BYTES + 1).fill(0x20))).toMatch(/more than the 65536/);
  });
});

describe('the gPlug meter ID: the serial from the bundle, the topic until one came', () => {
  const bundle = (smid: string) => `{"Time":"2024-05-01T12:00:05","z":{"SMid":"${smid}","Pi":0.412}}`;
  const ids = (options: TasmotaOptions, messages: [topic: string, payload: string][]) =>
    messages.map(([topic, payload]) => read(payload, options, topic).meterId);

  it('names the one-value messages between bundles by the serial the last bundle of their topic carried', () => {
    const options: TasmotaOptions = { ...ZURICH, meterIds: new TasmotaMeterIds() };
    expect(
      ids(options, [
        [TOPIC, GPLUG_IMMEDIATE], // before any bundle: nothing held back, the topic names it
        [TOPIC, bundle('71234567')],
        [TOPIC, GPLUG_IMMEDIATE],
        ['tele/gplug-garage/SENSOR', GPLUG_IMMEDIATE], // another device: its own topic, not the kitchen's serial
        [TOPIC, bundle('99887766')], // the gPlug moved to another meter
        [TOPIC, GPLUG_IMMEDIATE],
      ]),
    ).toEqual(['gplug-kitchen', '71234567', '71234567', 'gplug-garage', '99887766', '99887766']);
  });

  it('names an unreadable message of a known device by its serial too, so its errors count on that meter', () => {
    const options: TasmotaOptions = { ...ZURICH, meterIds: new TasmotaMeterIds() };
    read(bundle('71234567'), options);
    expect(convertTasmota(TOPIC, bytes('{"z":{"Pi":"x"}}'), options)).toMatchObject({ meterId: '71234567' });
  });

  it('takes an empty SMid for none', () => {
    const options: TasmotaOptions = { ...ZURICH, meterIds: new TasmotaMeterIds() };
    expect(ids(options, [[TOPIC, bundle(' ')]])).toEqual(['gplug-kitchen']);
  });

  it('remembers a bounded number of devices, forgetting the one heard from longest ago', () => {
    const meterIds = new TasmotaMeterIds(2);
    const options: TasmotaOptions = { ...ZURICH, meterIds };
    const topic = (n: number) => `tele/gplug-${n}/SENSOR`;
    read(bundle('S1'), options, topic(1));
    read(bundle('S2'), options, topic(2));
    read(GPLUG_IMMEDIATE, options, topic(1)); // heard again: now the most recent
    read(bundle('S3'), options, topic(3));
    expect(
      ids(
        options,
        [1, 2, 3].map((n) => [topic(n), GPLUG_IMMEDIATE]),
      ),
    ).toEqual(['S1', 'gplug-2', 'S3']);
  });

  it('leaves no phantom meter online: the topic-named meter goes offline, the serial stays', () => {
    const reader = createGatewayReader([{ kind: 'tasmota', timeZone: 'Europe/Zurich' }], { baseTopic: 'smartmeter' });
    const publications = new MeterPublications({
      baseTopic: 'smartmeter',
      homeAssistant: { enabled: false, prefix: 'homeassistant' },
      rlDsp: { enabled: false, group: 'home' },
      offlineAfterMissed: 3,
      version: '0.1.0',
    });
    const receive = (payload: string, at: number) => {
      for (const output of reader.read(TOPIC, bytes(payload), at * 1000)?.outputs ?? []) {
        if (!output.ok) throw new Error(output.error.message);
        publications.forMessage(output.message, { sourceId: 'gplug', sourceLabel: 'mqtt:gplug', receivedAt: at });
      }
    };
    receive(GPLUG_IMMEDIATE, 1000);
    receive(GPLUG_IMMEDIATE, 1002);
    for (let at = 1010; at <= 1060; at += 10) {
      receive(bundle('71234567'), at);
      receive(GPLUG_IMMEDIATE, at + 2);
    }
    const online = () => Object.fromEntries(publications.snapshot().map((m) => [m.meterId, m.online]));
    expect(Object.keys(online()).sort()).toEqual(['71234567', 'gplug-kitchen']);
    const expired = publications.expire(1062);
    expect(expired.map((m) => [m.topic, m.payload])).toEqual([['smartmeter/gplug-kitchen/status', 'offline']]);
    expect(online()).toEqual({ 'gplug-kitchen': false, '71234567': true });
  });
});
