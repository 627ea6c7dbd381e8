/**
 * smartmeter-datacollector (EKZ / Supercomputing Systems, versions 1.x and 2.x): one value per MQTT message on
 * `smartmeter/<meterId>/<NAME>` with `{"value":1234.5,"timestamp":1714564805}` (Unix seconds). Both major versions
 * publish this same payload; an `"obis"` member (`1-0:1.7.0*255`, `1.0.1.7.0.255` or `1.7.0`) is read where present,
 * and an ISO 8601 `"timestamp"` is accepted too (read in `timeZone` when it has no offset).
 *
 * NAME is the collector's data point identifier, always UPPER_SNAKE (ACTIVE_POWER_P, ...): that is what tells these
 * topics apart from the bridge's own lower-case profile topics under the same `smartmeter/` base.
 *
 * Units are the collector's (W, Wh, V, A, Hz, rad). It labels reactive quantities VA/VAh, but the registers behind them
 * (C = 3..8, 23/24, ...) are reactive power and energy: they are attached here as var/varh, which is what they are.
 *
 * One reading of a meter arrives as many messages sharing a timestamp; the grouper below puts them back together.
 */
import { formatObis, normalizeObis } from '../protocols/obis.ts';
import { decodeError, type ObisMessage } from '../protocols/types.ts';
import { finiteNumber, isRecord, parseJsonPayload, typeName } from './json.ts';
import { parseIsoDateTime } from './timestamp.ts';
import type { ConvertResult } from './types.ts';

export interface DatacollectorOptions {
  /** First topic level; the collector always uses `smartmeter`. */
  base?: string;
  /** Meter IDs (second topic level) to read; all (`+`) when absent or empty. */
  meters?: readonly string[];
  /** Zone for ISO timestamps without an offset; UTC by default (the collector's clock is UTC). */
  timeZone?: string;
}

const PHASES = [
  ['', 0],
  ['_L1', 20],
  ['_L2', 40],
  ['_L3', 60],
] as const;
const TARIFFS = [
  ['', 0],
  ['_T1', 1],
  ['_T2', 2],
] as const;

/** Data point NAME → [OBIS C.D.E, unit]. */
const NAME_TABLE: readonly (readonly [string, string, string])[] = [
  ...PHASES.flatMap(([phase, c]) => [
    [`ACTIVE_POWER_P${phase}`, `${c + 1}.7.0`, 'W'] as const,
    [`ACTIVE_POWER_N${phase}`, `${c + 2}.7.0`, 'W'] as const,
    [`REACTIVE_POWER_P${phase}`, `${c + 3}.7.0`, 'var'] as const,
    [`REACTIVE_POWER_N${phase}`, `${c + 4}.7.0`, 'var'] as const,
    [`ACTIVE_ENERGY_P${phase}`, `${c + 1}.8.0`, 'Wh'] as const,
    [`ACTIVE_ENERGY_N${phase}`, `${c + 2}.8.0`, 'Wh'] as const,
  ]),
  ...PHASES.slice(1).flatMap(([phase, c]) => [
    [`CURRENT${phase}`, `${c + 11}.7.0`, 'A'] as const,
    [`VOLTAGE${phase}`, `${c + 12}.7.0`, 'V'] as const,
    [`POWER_FACTOR${phase}`, `${c + 13}.7.0`, ''] as const,
  ]),
  ['POWER_FACTOR', '13.7.0', ''],
  ['NET_FREQUENCY', '14.7.0', 'Hz'],
  ['ANGLE_UI_L1', '81.7.40', 'rad'],
  ['ANGLE_UI_L2', '81.7.51', 'rad'],
  ['ANGLE_UI_L3', '81.7.62', 'rad'],
  ...TARIFFS.slice(1).flatMap(([tariff, e]) => [
    [`ACTIVE_ENERGY_P${tariff}`, `1.8.${e}`, 'Wh'] as const,
    [`ACTIVE_ENERGY_N${tariff}`, `2.8.${e}`, 'Wh'] as const,
  ]),
  ...TARIFFS.flatMap(([tariff, e]) => [
    [`REACTIVE_ENERGY_P${tariff}`, `3.8.${e}`, 'varh'] as const,
    [`REACTIVE_ENERGY_N${tariff}`, `4.8.${e}`, 'varh'] as const,
    ...[1, 2, 3, 4].map((q) => [`REACTIVE_ENERGY_Q${q}${tariff}`, `${q + 4}.8.${e}`, 'varh'] as const),
  ]),
];

export const DATACOLLECTOR_NAMES: ReadonlyMap<string, { obis: string; unit: string | null }> = new Map(
  NAME_TABLE.map(([name, code, unit]) => [name, { obis: `1-0:${code}`, unit: unit === '' ? null : unit }] as const),
);

const DEFAULT_BASE = 'smartmeter';
/** The collector's NAME level; the bridge's own topics under the same base are lower-case. */
export const DATACOLLECTOR_NAME = /^[A-Z][A-Z0-9_]*$/;

export function datacollectorFilters(options: DatacollectorOptions = {}): string[] {
  const meters = options.meters?.length ? options.meters : ['+'];
  return meters.map((meter) => `${options.base ?? DEFAULT_BASE}/${meter}/+`);
}

/** `<base>/<meterId>/<NAME>` → its parts, or undefined for any other topic. */
export function datacollectorTopic(topic: string, base = DEFAULT_BASE): { meterId: string; name: string } | undefined {
  if (!topic.startsWith(`${base}/`)) return undefined;
  const rest = topic.slice(base.length + 1).split('/');
  if (rest.length !== 2 || rest[0] === '' || !DATACOLLECTOR_NAME.test(rest[1]!)) return undefined;
  return { meterId: rest[0]!, name: rest[1]! };
}

const SIX_PARTS = /^(\d{1,3})\D(\d{1,3})\D(\d{1,3})\D(\d{1,3})\D(\d{1,3})\D(\d{1,3})$/;
const SHORT = /^\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** The collector's OBIS spellings in the profile's `A-B:C.D.E` form, or null when it is none of them. */
function readObis(text: string): string | null {
  const six = SIX_PARTS.exec(text);
  if (six) return six.slice(1).every((p) => Number(p) <= 255) ? formatObis(six.slice(1).map(Number)) : null;
  return normalizeObis(SHORT.test(text) ? `1-0:${text}` : text);
}

/** One data point message as a one-value ObisMessage (the grouper joins them). */
export function convertDatacollector(
  topic: string,
  payload: Uint8Array,
  options: DatacollectorOptions = {},
): ConvertResult {
  const parts = datacollectorTopic(topic, options.base);
  if (!parts || (options.meters?.length && !options.meters.includes(parts.meterId))) return null;
  const { meterId, name } = parts;
  const fail = (kind: 'syntax' | 'unsupported', message: string): ConvertResult => ({
    error: decodeError(kind, message),
    meterId,
  });
  const parsed = parseJsonPayload(payload);
  if ('error' in parsed) return { error: parsed.error, meterId };
  const body = parsed.json;
  if (!isRecord(body))
    return fail('syntax', `the ${name} payload is ${typeName(body)}, expected {"value","timestamp"}`);
  if (!finiteNumber(body.value))
    return fail('syntax', `${name}: "value" is ${typeName(body.value)}, expected a number`);

  let timestamp: number | undefined;
  if (finiteNumber(body.timestamp)) timestamp = body.timestamp;
  else if (typeof body.timestamp === 'string') timestamp = parseIsoDateTime(body.timestamp, options.timeZone ?? 'UTC');
  if (body.timestamp !== undefined && timestamp === undefined) {
    return fail('syntax', `${name}: "timestamp" is neither Unix seconds nor an ISO 8601 date-time`);
  }

  const known = DATACOLLECTOR_NAMES.get(name);
  const stated = typeof body.obis === 'string' ? readObis(body.obis) : null;
  if (body.obis !== undefined && stated === null) return fail('syntax', `${name}: "obis" is not an OBIS code`);
  const obis = known?.obis ?? stated;
  if (obis === null)
    return fail('unsupported', `${name} is not a data point this bridge knows, and its message names no OBIS code`);
  return {
    protocol: 'mqtt',
    meterId,
    ...(timestamp !== undefined ? { timestamp } : {}),
    values: [{ obis, value: body.value, unit: known ? known.unit : null }],
    info: { transport: 'datacollector' },
  };
}

export interface DatacollectorGrouperOptions {
  /** A meter's reading is complete after this long without a new value (ms); 2000 by default. */
  quietMs?: number;
}

export interface DatacollectorGrouper {
  /** Adds one value message; returns the readings this completes (the meter's previous one, if any). */
  add(message: ObisMessage, now: number): ObisMessage[];
  /** Readings quiet for at least `quietMs` at `now`. */
  flush(now: number): ObisMessage[];
  /** Every pending reading, complete or not (on shutdown). */
  flushAll(): ObisMessage[];
  /** When the next reading becomes quiet, or undefined when nothing is pending. */
  nextFlushAt(): number | undefined;
}

/** Bounds, so a flood of meter IDs or values cannot grow memory without limit. */
const MAX_PENDING_METERS = 64;
const MAX_VALUES_PER_READING = 256;

/**
 * Joins a meter's one-value messages into one reading. A reading ends when a value arrives with another timestamp,
 * when a value repeats an OBIS code the reading already has (the next round started), or `quietMs` after its last
 * value (the collector sends a reading's values back to back, then is silent until the next push).
 */
export function createDatacollectorGrouper(options: DatacollectorGrouperOptions = {}): DatacollectorGrouper {
  const quietMs = options.quietMs ?? 2000;
  const pending = new Map<string, { message: ObisMessage; lastAt: number }>();
  const take = (keys: string[]): ObisMessage[] =>
    keys.map((key) => {
      const { message } = pending.get(key)!;
      pending.delete(key);
      return message;
    });
  return {
    add(message, now) {
      const key = message.meterId ?? '';
      const done: ObisMessage[] = [];
      const group = pending.get(key);
      const ends =
        group &&
        (group.message.timestamp !== message.timestamp ||
          group.message.values.length >= MAX_VALUES_PER_READING ||
          message.values.some((v) => group.message.values.some((g) => g.obis === v.obis)));
      if (ends) done.push(...take([key]));
      const open = pending.get(key);
      if (open) {
        open.message.values.push(...message.values);
        open.lastAt = now;
      } else {
        if (pending.size >= MAX_PENDING_METERS) done.push(...take([pending.keys().next().value!]));
        pending.set(key, { message: { ...message, values: [...message.values] }, lastAt: now });
      }
      return done;
    },
    flush(now) {
      return take([...pending].filter(([, group]) => now - group.lastAt >= quietMs).map(([key]) => key));
    },
    flushAll() {
      return take([...pending.keys()]);
    },
    nextFlushAt() {
      let next: number | undefined;
      for (const group of pending.values()) next = Math.min(next ?? Infinity, group.lastAt + quietMs);
      return next;
    },
  };
}
