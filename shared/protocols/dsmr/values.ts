/**
 * What each telegram line means: scalar registers, registers with their own capture time (M-Bus readings, Belgian
 * peak demand), profile buffers (power-failure log, monthly peaks) and the DSMR 2.2/3 gas line. Lines come as byte
 * ranges of their groups (start/end pairs); values go straight into the message's list.
 */
import type { ObisValue } from '../types.ts';
import { countDigits, readDecimal, readObisKey, unitStar, unitText } from './cosem-line.ts';
import { obisSpec, type ObisSpec, type ValueKind } from './obis-table.ts';
import { decodeHexAscii, latin1 } from './text.ts';
import { isDsmrTime, readDsmrTime } from './timestamp.ts';

/** Unit-less numbers longer than this are identifiers, and would lose digits as doubles anyway. */
const MAX_NUMBER_DIGITS = 15;
const FLAGGED_TIME_LENGTH = 13;

export function interpretLine(
  bytes: Uint8Array,
  spec: ObisSpec,
  groups: readonly number[],
  timeZone: string | undefined,
  out: ObisValue[],
): void {
  const count = groups.length / 2;
  if (count === 0) return;
  if (spec.legacyMbusReading) return legacyMbusReading(bytes, spec.obis, groups, timeZone, out);
  if (count === 1) {
    out.push(scalar(bytes, spec, groups[0]!, groups[1]!, timeZone));
    return;
  }
  if (count === 2 && isDsmrTime(bytes, groups[0]!, groups[1]!)) {
    const value = scalar(bytes, spec, groups[2]!, groups[3]!, timeZone);
    out.push(withTimestamp(value, readDsmrTime(bytes, groups[0]!, groups[1]!, timeZone)));
    return;
  }
  if (profileBuffer(bytes, spec.obis, groups, timeZone, out)) return;
  let raw = '';
  for (let g = 0; g < groups.length; g += 2) raw += `(${latin1(bytes, groups[g]!, groups[g + 1]!)})`;
  out.push({ obis: spec.obis, value: raw, unit: null });
}

function scalar(bytes: Uint8Array, spec: ObisSpec, start: number, end: number, timeZone?: string): ObisValue {
  const { obis } = spec;
  const star = unitStar(bytes, start, end);
  const unit = star < end ? unitText(bytes, star + 1, end) : null;
  switch (spec.kind ?? guessKind(bytes, start, star, unit)) {
    case 'time': {
      const time = readDsmrTime(bytes, start, star, timeZone);
      return time === null
        ? { obis, value: latin1(bytes, start, star), unit }
        : { obis, value: time, unit, timestamp: time };
    }
    case 'hex':
      return { obis, value: decodeHexAscii(bytes, start, star) ?? latin1(bytes, start, star), unit };
    case 'text':
      return { obis, value: decodeHexAscii(bytes, start, star, true) ?? latin1(bytes, start, star), unit };
    case 'string':
      return { obis, value: latin1(bytes, start, star), unit };
    case 'number':
      return { obis, value: readDecimal(bytes, start, star) ?? latin1(bytes, start, star), unit };
  }
}

/** For codes the table does not know: a flagged date-time means a time, a stated unit or a short decimal a number. */
function guessKind(bytes: Uint8Array, start: number, end: number, unit: string | null): ValueKind {
  if (end - start === FLAGGED_TIME_LENGTH && isDsmrTime(bytes, start, end)) return 'time';
  if (unit !== null) return 'number';
  return countDigits(bytes, start, end) <= MAX_NUMBER_DIGITS ? 'number' : 'string';
}

function withTimestamp(value: ObisValue, timestamp: number | null): ObisValue {
  if (timestamp !== null) value.timestamp = timestamp;
  return value;
}

/**
 * DSMR 2.2/3: `0-n:24.3.0(capture time)(status)(period)(count)(0-n:24.2.1)(unit)` with the reading as the last group,
 * which the meter sends on the next line.
 */
function legacyMbusReading(
  bytes: Uint8Array,
  obis: string,
  groups: readonly number[],
  timeZone: string | undefined,
  out: ObisValue[],
): void {
  const start = groups[groups.length - 2]!;
  const end = groups[groups.length - 1]!;
  const star = unitStar(bytes, start, end);
  const value = groups.length >= 14 ? readDecimal(bytes, start, star) : null;
  if (value === null) return;
  const stated = groups[11]! > groups[10]! ? latin1(bytes, groups[10]!, groups[11]!) : null;
  const unit = star < end ? unitText(bytes, star + 1, end) : stated;
  out.push(withTimestamp({ obis, value, unit }, readDsmrTime(bytes, groups[0]!, groups[1]!, timeZone)));
}

/**
 * `(count)(listed object...)(entry)(entry)...`, every entry the same number of groups: date-times then values.
 * An entry is emitted under the one object the buffer lists (the power-failure log lists 0-0:96.7.19: each event is
 * its duration, stamped with its end). Buffers that list several objects (the Belgian monthly peaks list the clock
 * and the value of 1-0:1.6.0) keep the buffer's own code, so they do not collide with the live register. The power-
 * failure count is a value of its own. False, with nothing added, for lines of another shape.
 */
function profileBuffer(
  bytes: Uint8Array,
  obis: string,
  groups: readonly number[],
  timeZone: string | undefined,
  out: ObisValue[],
): boolean {
  const count = readDecimal(bytes, groups[0]!, groups[1]!);
  if (count === null || !Number.isInteger(count) || count < 0) return false;
  const total = groups.length / 2;
  let first = 1;
  let listedKey = -1;
  for (let key; first < total && (key = readObisKey(bytes, groups[2 * first]!, groups[2 * first + 1]!)) >= 0; first++) {
    listedKey = first === 1 ? key : -1;
  }
  if (first === 1) return false;
  const entries = total - first;
  const entrySize = entries > 0 ? entries / count : 1;
  if (!Number.isInteger(entrySize)) return false;

  const entryObis = listedKey >= 0 ? obisSpec(listedKey).obis : obis;
  if (entryObis !== obis) out.push({ obis, value: count, unit: null });
  for (let entry = first; entry < total; entry += entrySize) {
    let timestamp: number | null = null;
    for (let g = entry; g < Math.min(entry + entrySize, total); g++) {
      const start = groups[2 * g]!;
      const end = groups[2 * g + 1]!;
      if (isDsmrTime(bytes, start, end)) {
        timestamp = readDsmrTime(bytes, start, end, timeZone);
        continue;
      }
      const star = unitStar(bytes, start, end);
      const value = readDecimal(bytes, start, star);
      const unit = star < end ? unitText(bytes, star + 1, end) : null;
      if (value !== null) out.push(withTimestamp({ obis: entryObis, value, unit }, timestamp));
    }
  }
  return true;
}
