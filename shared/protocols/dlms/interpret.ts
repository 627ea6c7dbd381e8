/**
 * COSEM interpretation of a data-notification: entries → scaled ObisValues, meter id and timestamp.
 * Values × 10^scaler in the unit of the DLMS enumeration; registers without scaler_unit take unit and scale from
 * their OBIS code and the meter family; printable octet strings become text; date-times feed the timestamp.
 */
import { toHex } from '../hex.ts';
import { formatObis, parseObis } from '../obis.ts';
import {
  decodeError,
  type DecodeError,
  type DecodeOutput,
  type MeterInfo,
  type ObisMessage,
  type ObisValue,
} from '../types.ts';
import type { DlmsData } from './axdr.ts';
import { dateTimeToUnix } from './datetime.ts';
import { timeZoneError } from '../../time.ts';
import { pushContent, type Entry } from './entries.ts';
import { DEFAULT_SCALING, FAMILIES, familyById, type MeterFamily } from './families.ts';
import type { Transport } from './link.ts';
import type { DataNotification } from './notification.ts';
import { quantityOf } from './quantity.ts';
import { pushFacts, recogniseFamily } from './recognise.ts';
import { unitName } from './units.ts';

export interface PushContext {
  transport: Transport;
  systemTitle?: Uint8Array;
  encrypted: boolean;
  timeZone?: string;
  family?: string;
}

const CLOCK_CLASS = 8;
/** Identity objects in the order they are preferred as meter id: logical device name, then serial numbers. */
const ID_OBIS = ['0-0:42.0.0', ...Array.from({ length: 10 }, (_, i) => `0-0:96.1.${i}`)];

const isClock = (obis: Uint8Array | null, classId?: number): boolean =>
  classId === CLOCK_CLASS || (obis !== null && obis[0] === 0 && obis[2] === 1 && obis[3] === 0);

/** Trailing NUL padding is dropped (fixed-size string fields); the rest must be printable ASCII. */
function printable(bytes: Uint8Array): string | null {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  for (let i = 0; i < end; i++) if (bytes[i]! < 0x20 || bytes[i]! > 0x7e) return null;
  return String.fromCharCode(...bytes.subarray(0, end));
}

function scale(raw: number, exponent: number): number {
  return exponent < 0 ? raw / 10 ** -exponent : raw * 10 ** exponent;
}

type Leaf = { kind: 'number'; value: number } | { kind: 'text'; value: string } | { kind: 'time'; unix: number | null };

function leaf(data: DlmsData, timeZone: string | undefined): Leaf | null {
  switch (data.type) {
    case 'null':
    case 'array':
    case 'structure':
    case 'descriptor':
      return null;
    case 'boolean':
      return { kind: 'number', value: data.value ? 1 : 0 };
    case 'bit-string':
      return { kind: 'text', value: data.value };
    case 'visible-string':
    case 'utf8-string':
      return { kind: 'text', value: data.value.replace(/\0+$/, '') };
    case 'date-time':
      return { kind: 'time', unix: dateTimeToUnix(data.value, timeZone) };
    case 'date':
    case 'time':
      return { kind: 'text', value: toHex(data.value) };
    case 'octet-string': {
      const text = printable(data.value);
      if (text !== null) return { kind: 'text', value: text };
      const unix = data.value.length === 12 ? dateTimeToUnix(data.value, timeZone) : null;
      return unix !== null ? { kind: 'time', unix } : { kind: 'text', value: toHex(data.value) };
    }
    default:
      return typeof data.value === 'bigint'
        ? { kind: 'text', value: data.value.toString() }
        : { kind: 'number', value: data.value };
  }
}

function numberValue(entry: Entry, obis: string | null, value: number, family: MeterFamily | undefined): ObisValue {
  if (entry.scalerUnit) {
    return { obis, value: scale(value, entry.scalerUnit.scaler), unit: unitName(entry.scalerUnit.unit) };
  }
  const quantity = entry.obis ? quantityOf(entry.obis) : null;
  if (!quantity) return { obis, value, unit: null };
  const exponent = (family?.scaling ?? DEFAULT_SCALING)[quantity.quantity];
  if (exponent === undefined || exponent === null) return { obis, value, unit: null };
  return { obis, value: scale(value, exponent), unit: quantity.unit, raw: value };
}

/** Gives OBIS codes to a push without them, by position, when the family has a layout for its length. */
function applyLayout(entries: Entry[], family: MeterFamily | undefined): void {
  const layout = family?.layouts?.[entries.length];
  if (!layout || entries.some((e) => e.obis !== null)) return;
  entries.forEach((entry, i) => {
    const code = layout[i];
    const parts = code ? parseObis(code) : null;
    if (parts) entry.obis = Uint8Array.from(parts.length === 5 ? [...parts, 255] : parts);
  });
}

/** Options that cannot work are reported with each push rather than thrown. */
function checkSetup(ctx: PushContext): DecodeError | null {
  if (ctx.family !== undefined && !familyById(ctx.family)) {
    const known = FAMILIES.map((f) => f.id).join(', ');
    return decodeError('unsupported', `unknown meter family '${ctx.family}': use one of ${known}`);
  }
  if (ctx.timeZone !== undefined && timeZoneError(ctx.timeZone) !== undefined) {
    return decodeError('unsupported', `unknown time zone '${ctx.timeZone}': use an IANA name such as Europe/Zurich`);
  }
  return null;
}

export function interpretPush(notification: DataNotification, ctx: PushContext): DecodeOutput {
  const setupError = checkSetup(ctx);
  if (setupError) return { ok: false, error: setupError };
  const content = pushContent(notification.body);
  const facts = pushFacts(content, ctx.transport, ctx.systemTitle, notification.descriptors);
  const family = recogniseFamily(facts, ctx.family);
  applyLayout(content.entries, family);
  // A clock without deviation: the configured zone, else the family's country's, else (zonedToUnix) the machine's.
  const timeZone = ctx.timeZone ?? family?.timeZone;

  // The clock object is the meter's reading time (as smartmeter-datacollector takes it); the notification header,
  // stamped when the push was sent and seconds later on an E450, only stands in for a push without a valid clock.
  const headerTime = notification.dateTime ? dateTimeToUnix(notification.dateTime, timeZone) : null;
  let clockTime: number | null = null;
  let unnamedTime: number | null = null;
  const values: ObisValue[] = [];
  for (const entry of content.entries) {
    const value = leaf(entry.data, timeZone);
    if (!value) continue;
    const obis = entry.obis ? formatObis(entry.obis) : null;
    if (value.kind === 'time') {
      if (isClock(entry.obis, entry.classId)) clockTime ??= value.unix;
      else if (obis === null) unnamedTime ??= value.unix;
      else if (value.unix !== null) values.push({ obis, value: new Date(value.unix * 1000).toISOString(), unit: null });
      continue;
    }
    if (value.kind === 'text') {
      if (value.value.trim() !== '') values.push({ obis, value: value.value, unit: null });
      continue;
    }
    values.push(numberValue(entry, obis, value.value, family));
  }

  const timestamp = clockTime ?? headerTime ?? unnamedTime;
  const meterId = ID_OBIS.map((code) => values.find((v) => v.obis === code)?.value).find(
    (v): v is string => typeof v === 'string',
  );
  const systemTitle = ctx.systemTitle && ctx.systemTitle.length > 0 ? toHex(ctx.systemTitle) : undefined;
  const info: MeterInfo = {
    transport: ctx.transport,
    encrypted: ctx.encrypted,
    ...(systemTitle ? { systemTitle } : {}),
    ...(facts.manufacturer ? { manufacturer: facts.manufacturer } : {}),
    ...(family ? { family: family.id } : {}),
  };
  const message: ObisMessage = {
    protocol: 'dlms',
    ...((meterId ?? systemTitle) ? { meterId: meterId ?? systemTitle } : {}),
    ...(timestamp !== null ? { timestamp } : {}),
    values,
    info,
  };
  return { ok: true, message };
}
