import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { harmonize } from '../../../shared/profile/harmonize.ts';
import {
  bridgeInfoPayload,
  meterInfoPayload,
  PROFILE_VERSION,
  statePayload,
  valuePayload,
} from '../../../shared/profile/payloads.ts';
import { rlDspMessage } from '../../../shared/profile/rl-dsp.ts';
import { meterTopicId } from '../../../shared/profile/topics.ts';
import { PROFILE_UNITS } from '../../../shared/profile/units.ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { PROTOCOLS } from '../../../shared/protocols/decode.ts';
import { mbusMessage, obisMessage, record, telegram } from './messages.ts';

const schema = JSON.parse(
  readFileSync(new URL('../../../shared/profile/schema/profile-v1.schema.json', import.meta.url), 'utf8'),
);
const RECEIVED = 1_700_000_123.7;

const telegramMessage = obisMessage(
  [
    { obis: '1-0:1.8.1', value: 1234.567, unit: 'kWh' },
    { obis: '1-0:1.8.2', value: 2000.001, unit: 'kWh' },
    { obis: '1-0:1.7.0', value: 0.338, unit: 'kW' },
    { obis: '1-0:13.7.0', value: 0.98, unit: null },
    { obis: '0-1:24.1.0', value: 3, unit: null },
    { obis: '0-1:24.2.1', value: 246.138, unit: 'm3', timestamp: 1_699_999_700 },
  ],
  { info: { manufacturer: 'Iskra', model: 'AM550', transport: 'p1' } },
);
const readings = harmonize(telegramMessage);

describe('value payload', () => {
  it('is the plug-test payload plus unit and obis, as exact JSON', () => {
    const power = readings.find((r) => r.quantity === 'power_in')!;
    expect(JSON.stringify(valuePayload(power, RECEIVED))).toBe(
      '{"timestamp":1700000000,"value":338,"unit":"W","obis":"1-0:1.7.0"}',
    );
  });

  it('falls back to the receive time in whole seconds and omits what it does not know', () => {
    const [reading] = harmonize(telegram([['1-0:1.7.0', 1, 'kW']], { timestamp: undefined }));
    expect(valuePayload(reading!, RECEIVED)).toEqual({
      timestamp: 1_700_000_123,
      value: 1000,
      unit: 'W',
      obis: '1-0:1.7.0',
    });
    const [sum] = harmonize(telegram([['1-0:1.8.1', 1, 'kWh']])).filter((r) => r.quantity === 'energy_in');
    expect(valuePayload(sum!, RECEIVED)).not.toHaveProperty('obis');
  });
});

describe('state bundle', () => {
  it('holds every reading keyed by its topic leaf, each with its own time', () => {
    const state = statePayload(readings, telegramMessage.timestamp, RECEIVED);
    expect(state.profile).toBe(PROFILE_VERSION);
    expect(state.timestamp).toBe(1_700_000_000);
    expect(Object.keys(state.readings)).toEqual([
      'power_in',
      'energy_in',
      'energy_in_t1',
      'energy_in_t2',
      'power_factor',
      'gas_volume',
    ]);
    expect(state.readings.gas_volume).toEqual({
      timestamp: 1_699_999_700,
      value: 246.138,
      unit: 'm3',
      obis: '0-1:24.2.1',
    });
  });
});

describe('info payloads', () => {
  it('describes a DSMR meter and an M-Bus meter', () => {
    expect(meterInfoPayload(telegramMessage, { source: 'serial:/dev/ttyUSB0' })).toEqual({
      profile: '1.0',
      meterId: 'E0012345',
      protocol: 'dsmr',
      manufacturer: 'Iskra',
      model: 'AM550',
      interface: 'p1',
      source: 'serial:/dev/ttyUSB0',
    });
    expect(meterInfoPayload(mbusMessage('Water', []), { interface: 'mbus' })).toEqual({
      profile: '1.0',
      meterId: '12345678',
      protocol: 'mbus',
      manufacturer: 'KAM',
      interface: 'mbus',
    });
  });

  it('lists the bridge meters once each, sorted', () => {
    expect(bridgeInfoPayload('0.1.0', ['b', 'a', 'b']).meters).toEqual(['a', 'b']);
  });
});

describe('JSON Schema profile-v1', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true }).addSchema(schema);
  const validate = (def: string, data: unknown) => {
    const check = ajv.getSchema(`${schema.$id}#/$defs/${def}`)!;
    return check(data) ? [] : (check.errors ?? []);
  };
  const valid = (def: string, data: unknown) => expect(validate(def, data)).toEqual([]);

  it('accepts every payload the builders generate', () => {
    const heat = harmonize(
      mbusMessage('Heat: Outlet', [record('Energy', 1, 'GJ'), record('Flow temperature', 70, '°C')]),
    );
    for (const r of [...readings, ...heat]) valid('value', valuePayload(r, RECEIVED));
    valid('state', statePayload(readings, undefined, RECEIVED));
    valid('info', meterInfoPayload(telegramMessage));
    valid('info', meterInfoPayload(mbusMessage('Gas', [])));
    valid('bridgeInfo', bridgeInfoPayload('0.1.0', [meterTopicId('a/b'), meterTopicId('E0012345')]));
    valid('status', 'online');
    valid('status', 'offline');
    valid('rlDsp', rlDspMessage('E0012345', readings, undefined, RECEIVED, { group: 'home' }).payload);
  });

  it('names every protocol a decoder or gateway reads as the info payload protocol', () => {
    expect(schema.$defs.info.properties.protocol.enum).toEqual([...PROTOCOLS, 'mqtt']);
  });

  it('rejects payloads that break the contract', () => {
    const errors = validate;
    expect(errors('value', { timestamp: 1.5, value: 1, unit: 'W' })).not.toEqual([]);
    expect(errors('value', { timestamp: 1, value: null, unit: 'W' })).not.toEqual([]);
    expect(errors('value', { timestamp: 1, value: 1, unit: 'kW' })).not.toEqual([]);
    expect(errors('value', { timestamp: 1, value: 1 })).not.toEqual([]);
    expect(errors('state', { profile: '2.0', timestamp: 1, readings: {} })).not.toEqual([]);
    expect(
      errors('state', {
        profile: '1.0',
        timestamp: 1,
        readings: { 'Power In': { timestamp: 1, value: 1, unit: 'W' } },
      }),
    ).not.toEqual([]);
    expect(errors('status', 'ONLINE')).not.toEqual([]);
    expect(errors('bridgeInfo', { profile: '1.0', name: 'x', version: '1', meters: ['a/b'] })).not.toEqual([]);
    expect(errors('rlDsp', { meter: { ts: '2024-01-01 00:00:00', '1.7.0': 1 } })).not.toEqual([]);
    expect(errors('rlDsp', { meter: { ts: '2024-01-01T00:00:00Z', power: 1 } })).not.toEqual([]);
  });

  it('lists exactly the profile units', () => {
    expect(schema.$defs.unit.enum).toEqual(PROFILE_UNITS);
  });
});
