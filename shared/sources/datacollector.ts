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
const SLASH = 0x2f;

/**
 * Without configured meters: `<base>/+/+`, and `<base>//#` for a meter without an ID object, which the collector
 * names by its serial port path (`smartmeter//dev/ttyUSB0/ACTIVE_POWER_P`; a Windows `COM3` is one level). Not
 * `<base>/#`: with the profile under the same base, the broker would send the bridge all of its own value topics back.
 */
export function datacollectorFilters(options: DatacollectorOptions = {}): string[] {
  const base = options.base ?? DEFAULT_BASE;
  return options.meters?.length ? options.meters.map((meter) => `${base}/${meter}/+`) : [`${base}/+/+`, `${base}//#`];
}

/** `<base>/<meterId>/<NAME>` → its parts (the meter ID may span levels), or undefined for any other topic. */
export function datacollectorTopic(topic: string, base = DEFAULT_BASE): { meterId: string; name: string } | undefined {
  if (!topic.startsWith(base) || topic.charCodeAt(base.length) !== SLASH) return undefined;
  const cut = topic.lastIndexOf('/');
  const name = topic.slice(cut + 1);
  const meterId = topic.slice(base.length + 1, cut);
  if (cut <= base.length || meterId === '' || !DATACOLLECTOR_NAME.test(name)) return undefined;
  return { meterId, name };
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
  /** Fallback: a reading is complete after this long without a new value (ms); 2000 by default. */
  quietMs?: number;
  /** Meters joined at once at most; a flood of IDs completes the oldest early instead of growing memory. */
  maxMeters?: number;
}

export interface DatacollectorGrouper {
  /** Adds one value message; returns the readings this completes (the meter's previous one, or this one). */
  add(message: ObisMessage, now: number): ObisMessage[];
  /** Readings quiet for at least `quietMs` at `now`. */
  flush(now: number): ObisMessage[];
  /** Every pending reading, complete or not (on shutdown). */
  flushAll(): ObisMessage[];
  /** When the next reading becomes quiet, or undefined when nothing is pending. */
  nextFlushAt(): number | undefined;
}

const MAX_VALUES_PER_READING = 256;
export const DEFAULT_MAX_METERS = 1000;

interface Group {
  message: ObisMessage;
  obis: Set<string | null>;
  /** How many of the meter's last shape's codes this group has. */
  matched: number;
  lastAt: number;
}

/** A meter's last complete reading: its codes and timestamp. */
interface Shape {
  obis: Set<string | null>;
  timestamp: number | undefined;
}

/**
 * Joins a meter's one-value messages into one reading. A reading is complete as soon as it has every code of the
 * meter's previous reading (the collector sends the same data points each push), when a value arrives with another
 * timestamp or repeats a code (the next push started), or, as a fallback for a meter's first push, `quietMs` after its
 * last value. A value arriving after its reading was completed early is passed on as a reading of its own, and the
 * meter's shape grows by it, so the next push waits for it.
 */
export function createDatacollectorGrouper(options: DatacollectorGrouperOptions = {}): DatacollectorGrouper {
  const quietMs = options.quietMs ?? 2000;
  const maxMeters = options.maxMeters ?? DEFAULT_MAX_METERS;
  const pending = new Map<string, Group>();
  const shapes = new Map<string, Shape>();

  const complete = (key: string): ObisMessage => {
    const group = pending.get(key)!;
    pending.delete(key);
    const shape = shapes.get(key);
    const timestamp = group.message.timestamp;
    if (shape && shape.timestamp === timestamp) for (const code of group.obis) shape.obis.add(code);
    else {
      shapes.delete(key); // re-inserted last, so the map's first key is the longest silent meter
      if (shapes.size >= maxMeters) shapes.delete(shapes.keys().next().value!);
      shapes.set(key, { obis: group.obis, timestamp });
    }
    return group.message;
  };

  return {
    add(message, now) {
      const key = message.meterId ?? '';
      const done: ObisMessage[] = [];
      let group = pending.get(key);
      const ends =
        group &&
        (group.message.timestamp !== message.timestamp ||
          group.obis.size >= MAX_VALUES_PER_READING ||
          message.values.some((v) => group!.obis.has(v.obis)));
      if (ends) {
        done.push(complete(key));
        group = undefined;
      }
      const shape = shapes.get(key);
      if (!group) {
        if (pending.size >= maxMeters) done.push(complete(pending.keys().next().value!));
        group = { message: { ...message, values: [] }, obis: new Set(), matched: 0, lastAt: now };
        pending.set(key, group);
      }
      for (const value of message.values) {
        if (group.obis.has(value.obis)) continue;
        group.obis.add(value.obis);
        group.message.values.push(value);
        if (shape?.obis.has(value.obis)) group.matched++;
      }
      group.lastAt = now;
      // Kept in order of last value, so the first group is always the next to fall quiet.
      pending.delete(key);
      pending.set(key, group);
      const reachedShape = shape && shape.timestamp !== message.timestamp && group.matched === shape.obis.size;
      if (reachedShape) done.push(complete(key));
      return done;
    },
    flush(now) {
      const done: ObisMessage[] = [];
      for (const [key, group] of pending) {
        if (now - group.lastAt < quietMs) break;
        done.push(complete(key));
      }
      return done;
    },
    flushAll() {
      return [...pending.keys()].map(complete);
    },
    nextFlushAt() {
      const first = pending.values().next();
      return first.done ? undefined : first.value.lastAt + quietMs;
    },
  };
}
