/**
 * The shapes a push body takes, reduced to one list of entries (OBIS code, value, scaler_unit when sent):
 * - push with object list: a structure whose first element is the capture-object list (array of
 *   {class-id, logical name, attribute, data-index, ...}); element i is the value of capture object i;
 * - Czech dialect: {descriptor, value} structures (see axdr.ts);
 * - {OBIS, value} / {OBIS, value, {scaler, unit}} structures, or the same flattened into one sequence,
 *   possibly mixed with values that carry no OBIS code (list identifiers, date-times).
 */
import { formatObis } from '../obis.ts';
import type { DlmsData } from './axdr.ts';

export interface ScalerUnit {
  scaler: number;
  unit: number;
}

export interface Entry {
  obis: Uint8Array | null;
  data: DlmsData;
  scalerUnit?: ScalerUnit;
  classId?: number;
  attribute?: number;
}

export interface PushContent {
  entries: Entry[];
  /** OBIS of the push-setup object when the push carries its object list. */
  pushSetup?: string;
  objectList: boolean;
}

export const PUSH_SETUP_CLASS = 40;
const REGISTER_CLASSES = new Set([3, 4, 5]); // register, extended register, demand register
const SCALER_UNIT_ATTRIBUTE = 3;

const isOctets = (d: DlmsData | undefined): d is { type: 'octet-string'; value: Uint8Array } =>
  d?.type === 'octet-string';

/** A logical name: six octets whose A group is a medium (0..15), so printable text is never taken for one. */
function isObis(d: DlmsData | undefined): d is { type: 'octet-string'; value: Uint8Array } {
  return isOctets(d) && d.value.length === 6 && d.value[0]! <= 15;
}

function asScalerUnit(d: DlmsData | undefined): ScalerUnit | undefined {
  if (d?.type !== 'structure' || d.items.length !== 2) return undefined;
  const [s, u] = d.items;
  if (s?.type !== 'integer' || u?.type !== 'enum') return undefined;
  return { scaler: Number(s.value), unit: Number(u.value) };
}

interface CaptureObject {
  classId: number;
  obis: Uint8Array;
  attribute: number;
}

/** The capture-object list: an array of structures {long-unsigned class, logical name, integer attribute, ...}. */
function asObjectList(d: DlmsData | undefined): CaptureObject[] | null {
  if (d?.type !== 'array' || d.items.length === 0) return null;
  const list: CaptureObject[] = [];
  for (const item of d.items) {
    if (item.type !== 'structure' || item.items.length < 4) return null;
    const [c, o, a] = item.items;
    if (c?.type !== 'long-unsigned' || !isOctets(o) || o.value.length !== 6 || a?.type !== 'integer') return null;
    list.push({ classId: Number(c.value), obis: o.value, attribute: Number(a.value) });
  }
  return list;
}

function fromObjectList(objects: CaptureObject[], values: DlmsData[]): PushContent {
  const entries: Entry[] = [];
  const scalers = new Map<string, ScalerUnit>();
  let pushSetup: string | undefined;
  objects.forEach((object, i) => {
    const data = values[i];
    if (object.classId === PUSH_SETUP_CLASS) {
      pushSetup ??= formatObis(object.obis);
      return;
    }
    if (data === undefined) return;
    if (REGISTER_CLASSES.has(object.classId) && object.attribute === SCALER_UNIT_ATTRIBUTE) {
      const su = asScalerUnit(data);
      if (su) scalers.set(formatObis(object.obis), su);
      return;
    }
    entries.push({ obis: object.obis, data, classId: object.classId, attribute: object.attribute });
  });
  for (const entry of scalers.size > 0 ? entries : []) {
    const su = scalers.get(formatObis(entry.obis!));
    if (su && entry.attribute === 2) entry.scalerUnit = su;
  }
  return { entries, objectList: true, ...(pushSetup ? { pushSetup } : {}) };
}

/** {OBIS, value} or {OBIS, value, {scaler, unit}}, or a Czech {descriptor, value}. */
function asPair(d: DlmsData): Entry | null {
  if (d.type !== 'structure') return null;
  const [first, value, third] = d.items;
  if (first?.type === 'descriptor' && d.items.length === 2) {
    return { obis: first.obis, data: value!, classId: first.classId, attribute: first.attribute };
  }
  if (!isObis(first) || value === undefined || d.items.length > 3) return null;
  const scalerUnit = asScalerUnit(third);
  if (d.items.length === 3 && !scalerUnit) return null;
  return { obis: first.value, data: value, ...(scalerUnit ? { scalerUnit } : {}) };
}

function walk(items: DlmsData[], out: Entry[]): void {
  let i = 0;
  while (i < items.length) {
    const item = items[i]!;
    const next = items[i + 1];
    if (isObis(item) && next !== undefined && !asScalerUnit(next)) {
      const scalerUnit = asScalerUnit(items[i + 2]);
      out.push({ obis: item.value, data: next, ...(scalerUnit ? { scalerUnit } : {}) });
      i += scalerUnit ? 3 : 2;
      continue;
    }
    const pair = asPair(item);
    if (pair) {
      if (pair.classId !== PUSH_SETUP_CLASS) out.push(pair);
    } else if (item.type === 'structure' || item.type === 'array') {
      walk(item.items, out);
    } else {
      out.push({ obis: null, data: item });
    }
    i++;
  }
}

export function pushContent(body: DlmsData): PushContent {
  const objects = body.type === 'structure' ? asObjectList(body.items[0]) : null;
  if (objects && body.type === 'structure') return fromObjectList(objects, body.items);
  const entries: Entry[] = [];
  walk([body], entries);
  return { entries, objectList: false };
}
