/**
 * Swiss VSE "RL-DSP CH2024" bundles from another gateway: `dt/<group>/<meterId>/ds` with
 * `{"meter":{"ts":"2024-05-01T12:00:05+00:00","1.7.0":412.0,"1.8.0":1234567.0,…}}`, electricity registers keyed by OBIS
 * `C.D.E`. The published document was not available to check against; the key set and the units below are the ones
 * the bridge's own RL-DSP output uses (shared/profile/rl-dsp.ts): base units (W, Wh, var, varh) by default, as the one
 * public implementation (smartmeter-datacollector's mqttrldsp sink) publishes them; kilo units with `scale: 'kilo'`.
 * Keys outside the table are passed on without a unit.
 */
import { decodeError, type ObisValue } from '../protocols/types.ts';
import { finiteNumber, isRecord, parseJsonPayload, typeName } from './json.ts';
import { parseIsoDateTime } from './timestamp.ts';
import type { ConvertResult } from './types.ts';

export interface RlDspReadOptions {
  /** `<group>` topic levels to read; all (`+`) when absent or empty. */
  groups?: readonly string[];
  /** `base` (default): W, Wh, var, varh, VA, VAh; `kilo`: kW, kWh, kvar, kvarh, kVA, kVAh. */
  scale?: 'kilo' | 'base';
}

export interface RlDspRegister {
  /** OBIS `C.D.E`, the bundle's key. */
  key: string;
  kiloUnit: string;
  baseUnit: string;
}

const registers = (codes: readonly string[], kiloUnit: string, baseUnit = kiloUnit): RlDspRegister[] =>
  codes.map((key) => ({ key, kiloUnit, baseUnit }));
const withTariffs = (c: number): string[] => [0, 1, 2, 3, 4].map((e) => `${c}.8.${e}`);

/** The RL-DSP electricity keys and their units: one table, for reading here and (proposed) for writing in the profile. */
export const RL_DSP_REGISTERS: readonly RlDspRegister[] = [
  ...registers(['1.7.0', '2.7.0', '21.7.0', '22.7.0', '41.7.0', '42.7.0', '61.7.0', '62.7.0'], 'kW', 'W'),
  ...registers([...withTariffs(1), ...withTariffs(2)], 'kWh', 'Wh'),
  ...registers(['3.7.0', '4.7.0', '5.7.0', '6.7.0', '7.7.0', '8.7.0'], 'kvar', 'var'),
  ...registers([...withTariffs(3), ...withTariffs(4), '5.8.0', '6.8.0', '7.8.0', '8.8.0'], 'kvarh', 'varh'),
  ...registers(['9.7.0', '10.7.0'], 'kVA', 'VA'),
  ...registers(['9.8.0', '10.8.0'], 'kVAh', 'VAh'),
  ...registers(['32.7.0', '52.7.0', '72.7.0'], 'V'),
  ...registers(['31.7.0', '51.7.0', '71.7.0', '91.7.0'], 'A'),
  ...registers(['13.7.0', '33.7.0', '53.7.0', '73.7.0'], ''),
  ...registers(['14.7.0'], 'Hz'),
];

const byKey = new Map(RL_DSP_REGISTERS.map((r) => [r.key, r]));
const OBIS_KEY = /^\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function rlDspFilters(options: RlDspReadOptions = {}): string[] {
  const groups = options.groups?.length ? options.groups : ['+'];
  return groups.map((group) => `dt/${group}/+/ds`);
}

/** `dt/<group>/<meterId>/ds` → its parts, or undefined for any other topic. */
export function rlDspTopic(topic: string): { group: string; meterId: string } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'dt' || parts[3] !== 'ds' || parts[1] === '' || parts[2] === '')
    return undefined;
  return { group: parts[1]!, meterId: parts[2]! };
}

export function convertRlDsp(topic: string, payload: Uint8Array, options: RlDspReadOptions = {}): ConvertResult {
  const parts = rlDspTopic(topic);
  if (!parts || (options.groups?.length && !options.groups.includes(parts.group))) return null;
  const { meterId } = parts;
  const fail = (message: string): ConvertResult => ({ error: decodeError('syntax', message), meterId });
  const parsed = parseJsonPayload(payload);
  if ('error' in parsed) return { error: parsed.error, meterId };
  const body = parsed.json;
  if (!isRecord(body)) return fail(`the RL-DSP payload is ${typeName(body)}, expected {"meter":{…}}`);
  const meter = body.meter;
  if (!isRecord(meter)) return fail(`"meter" is ${typeName(meter)}, expected an object`);

  let timestamp: number | undefined;
  if (meter.ts !== undefined) {
    // The format prescribes UTC; a time without an offset is read as UTC too.
    timestamp = typeof meter.ts === 'string' ? parseIsoDateTime(meter.ts, 'UTC') : undefined;
    if (timestamp === undefined) return fail(`"meter.ts" is not an ISO 8601 date-time such as 2024-05-01T12:00:05Z`);
  }
  const kilo = options.scale === 'kilo';
  const values: ObisValue[] = [];
  for (const [key, value] of Object.entries(meter)) {
    if (!OBIS_KEY.test(key)) continue;
    if (!finiteNumber(value)) return fail(`"meter.${key}" is ${typeName(value)}, expected a number`);
    const register = byKey.get(key);
    const unit = register ? (kilo ? register.kiloUnit : register.baseUnit) : '';
    values.push({ obis: `1-0:${key}`, value, unit: unit === '' ? null : unit });
  }
  return {
    protocol: 'mqtt',
    meterId,
    ...(timestamp !== undefined ? { timestamp } : {}),
    values,
    info: { transport: 'rl-dsp' },
  };
}
