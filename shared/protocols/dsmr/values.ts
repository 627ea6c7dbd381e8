/**
 * What each telegram line means: scalar registers, registers with their own capture time (M-Bus readings, Belgian
 * peak demand), profile buffers (power-failure log, monthly peaks) and the DSMR 2.2/3 gas line.
 */
import type { ObisValue } from '../types.ts';
import { normalizeObis } from '../obis.ts';
import { parseDecimal, splitUnit, type CosemLine } from './cosem-line.ts';
import { lookupObis, type ValueKind } from './obis-table.ts';
import { decodeHexAscii } from './text.ts';
import { looksLikeDsmrTime, parseDsmrTime } from './timestamp.ts';

/** Unit-less numbers longer than this are identifiers, and would lose digits as doubles anyway. */
const MAX_NUMBER_DIGITS = 15;

const LEGACY_MBUS_READING = /^0-\d+:24\.3\.0$/;

export function interpretLine(line: CosemLine, timeZone: string | undefined): ObisValue[] {
  const { obis, groups } = line;
  if (groups.length === 0) return [];
  if (LEGACY_MBUS_READING.test(obis)) return legacyMbusReading(obis, groups, timeZone);
  if (groups.length === 1) return [scalar(obis, groups[0]!, timeZone)];
  if (groups.length === 2 && looksLikeDsmrTime(groups[0]!)) {
    return [withTimestamp(scalar(obis, groups[1]!, timeZone), parseDsmrTime(groups[0]!, timeZone))];
  }
  return profileBuffer(obis, groups, timeZone) ?? [{ obis, value: groups.map((g) => `(${g})`).join(''), unit: null }];
}

function scalar(obis: string, group: string, timeZone: string | undefined): ObisValue {
  const { text, unit } = splitUnit(group);
  const kind = lookupObis(obis)?.kind ?? guessKind(text, unit);
  switch (kind) {
    case 'time': {
      const time = parseDsmrTime(text, timeZone);
      return time === null ? { obis, value: text, unit } : { obis, value: time, unit, timestamp: time };
    }
    case 'hex':
      return { obis, value: decodeHexAscii(text) ?? text, unit };
    case 'text':
      return { obis, value: decodeHexAscii(text, true) ?? text, unit };
    case 'string':
      return { obis, value: text, unit };
    case 'number':
      return { obis, value: parseDecimal(text) ?? text, unit };
  }
}

/** For codes the table does not know: a stated unit or a short decimal means a number, a flagged date-time a time. */
function guessKind(text: string, unit: string | null): ValueKind {
  if (/^\d{12}[SWsw]$/.test(text)) return 'time';
  if (unit !== null) return 'number';
  return text.replace(/\D/g, '').length <= MAX_NUMBER_DIGITS ? 'number' : 'string';
}

function withTimestamp(value: ObisValue, timestamp: number | null): ObisValue {
  return timestamp === null ? value : { ...value, timestamp };
}

/**
 * DSMR 2.2/3: `0-n:24.3.0(capture time)(status)(period)(count)(0-n:24.2.1)(unit)` with the reading as the last group,
 * which the meter sends on the next line.
 */
function legacyMbusReading(obis: string, groups: string[], timeZone: string | undefined): ObisValue[] {
  const reading = splitUnit(groups[groups.length - 1]!);
  const value = groups.length >= 7 ? parseDecimal(reading.text) : null;
  if (value === null) return [];
  const unit = reading.unit ?? (groups[5] || null);
  return [withTimestamp({ obis, value, unit }, parseDsmrTime(groups[0]!, timeZone))];
}

/**
 * `(count)(listed object...)(entry)(entry)...`, every entry the same number of groups: date-times then values.
 * An entry is emitted under the one object the buffer lists (the power-failure log lists 0-0:96.7.19: each event is
 * its duration, stamped with its end). Buffers that list several objects (the Belgian monthly peaks list the clock
 * and the value of 1-0:1.6.0) keep the buffer's own code, so they do not collide with the live register. The power-
 * failure count is a value of its own. Returns null for lines of another shape.
 */
function profileBuffer(obis: string, groups: string[], timeZone: string | undefined): ObisValue[] | null {
  const count = parseDecimal(groups[0]!);
  if (count === null || !Number.isInteger(count) || count < 0) return null;
  let first = 1;
  const listed: string[] = [];
  for (let code; first < groups.length && (code = normalizeObis(groups[first]!)); first++) listed.push(code);
  if (listed.length === 0) return null;
  const entries = groups.length - first;
  const entrySize = entries > 0 ? entries / count : 1;
  if (!Number.isInteger(entrySize)) return null;

  const entryObis = listed.length === 1 ? listed[0]! : obis;
  const values: ObisValue[] = entryObis === obis ? [] : [{ obis, value: count, unit: null }];
  for (let start = first; start < groups.length; start += entrySize) {
    let timestamp: number | null = null;
    for (const group of groups.slice(start, start + entrySize)) {
      if (looksLikeDsmrTime(group)) {
        timestamp = parseDsmrTime(group, timeZone);
        continue;
      }
      const { text, unit } = splitUnit(group);
      const value = parseDecimal(text);
      if (value !== null) values.push(withTimestamp({ obis: entryObis, value, unit }, timestamp));
    }
  }
  return values;
}
