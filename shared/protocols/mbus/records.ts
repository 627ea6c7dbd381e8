/**
 * EN 13757-3 variable data records: DIF/DIFE (coding, function, storage, tariff, subunit), VIF/VIFE (quantity,
 * unit, scaling from tables.ts) and the data itself, plus the special DIFs 0x0F/0x1F (manufacturer data to the end)
 * and 0x2F (idle filler).
 */
import type { MbusRecord } from '../types.ts';
import { COMBINABLE_VIFE, FB_VIF, FD_VIF, PRIMARY_VIF, toSi, type ValueMeaning } from './tables.ts';
import {
  type CivilFields,
  formatDate,
  hex,
  lvarLength,
  readBcd,
  readDateFields,
  readInt,
  readLvar,
  readReal32,
} from './values.ts';

const FUNCTIONS = ['instantaneous', 'maximum', 'minimum', 'error'] as const;

/** Data length per DIF coding nibble 0x0-0xE (0xF is a special function); -1 = LVAR. */
export const DATA_LENGTH = [0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, -1, 6] as const;
const BCD_CODINGS = new Set([0x9, 0xa, 0xb, 0xc, 0xe]);
/** Binary codings that can carry dates: 16 bit (type G), 24 bit (J), 32 bit (F), 48 bit (I). */
const DATE_CODINGS = new Set([0x2, 0x3, 0x4, 0x6]);

const DIF_MANUFACTURER_DATA = 0x0f;
const DIF_MORE_RECORDS_FOLLOW = 0x1f;
const DIF_IDLE_FILLER = 0x2f;
const VIF_PLAIN_TEXT = 0x7c;
const VIF_FD_TABLE = 0x7d;
const VIF_FB_TABLE = 0x7b;
const VIFE_MANUFACTURER = 0x7f;
const VIF_DATE_TIME = 0x6d;
const VIFE_EXTENDED = 0x7c;
const MAX_EXTENSIONS = 10;
/** Place values of the storage (4 bits), tariff (2 bits) and subunit (1 bit) fields of DIFE number i. */
const STORAGE_WEIGHT = Array.from({ length: MAX_EXTENSIONS }, (_, i) => 2 ** (1 + 4 * i));
const TARIFF_WEIGHT = Array.from({ length: MAX_EXTENSIONS }, (_, i) => 2 ** (2 * i));
const SUBUNIT_WEIGHT = Array.from({ length: MAX_EXTENSIONS }, (_, i) => 2 ** i);

/** The records, and the meter clock: the first current (storage 0, tariff 0, subunit 0) date & time record. */
export type RecordsResult = { ok: true; records: MbusRecord[]; clock?: CivilFields } | { ok: false; problem: string };

class Cursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  get left(): number {
    return this.bytes.length - this.pos;
  }
  next(): number | undefined {
    return this.pos < this.bytes.length ? this.bytes[this.pos++] : undefined;
  }
  take(n: number): Uint8Array | undefined {
    if (n > this.left) return undefined;
    this.pos += n;
    return this.bytes.subarray(this.pos - n, this.pos);
  }
}

interface Vib {
  /** The primary VIF (extension bit masked off), or -1 for the extension tables and plain text. */
  primary: number;
  meaning: ValueMeaning;
  /** Combinable VIFE effects in wire order. */
  vifes: number[];
}

function unknownMeaning(table: string, code: number): ValueMeaning {
  return { quantity: `Reserved (${table} 0x${code.toString(16).padStart(2, '0')})`, unit: null, factor: 1 };
}

/** Reads the VIF and its VIFEs; returns a problem string when the record ends inside them. */
function readVib(cur: Cursor): Vib | string {
  const vif = cur.next();
  if (vif === undefined) return 'the data ends inside a record header (VIF expected)';
  let extended = (vif & 0x80) !== 0;
  const code = vif & 0x7f;
  let meaning: ValueMeaning;
  let primary = -1;
  if (code === VIF_PLAIN_TEXT) {
    const length = cur.next();
    const text = length === undefined ? undefined : cur.take(length);
    if (!text) return 'the data ends inside a plain-text VIF';
    meaning = { quantity: String.fromCharCode(...text.slice().reverse()), unit: null, factor: 1 };
  } else if ((code === VIF_FD_TABLE || code === VIF_FB_TABLE) && extended) {
    const first = cur.next();
    if (first === undefined) return 'the data ends inside a VIF extension';
    extended = (first & 0x80) !== 0;
    const table = code === VIF_FD_TABLE ? FD_VIF : FB_VIF;
    meaning = table.get(first & 0x7f) ?? unknownMeaning(code === VIF_FD_TABLE ? 'VIF FD' : 'VIF FB', first & 0x7f);
  } else {
    meaning = PRIMARY_VIF.get(code) ?? unknownMeaning('VIF', code);
    primary = code;
  }
  const vifes: number[] = [];
  // After a manufacturer-specific VIF or VIFE 0x7F, the remaining VIFEs are the manufacturer's own.
  let manufacturer = code === VIFE_MANUFACTURER;
  while (extended) {
    const vife = cur.next();
    if (vife === undefined) return 'the data ends inside the VIFEs of a record';
    if (vifes.length >= MAX_EXTENSIONS) return 'a record has more than 10 VIFEs';
    extended = (vife & 0x80) !== 0;
    if ((vife & 0x7f) === VIFE_MANUFACTURER) manufacturer = true;
    // A VIFE after 0x7C comes from a further table this decoder does not know: keep it out of the combinable ones.
    else if (!manufacturer) vifes.push(vifes.at(-1) === VIFE_EXTENDED ? 0x100 | vife : vife & 0x7f);
  }
  return { primary, meaning, vifes };
}

/** Applies combinable VIFEs: corrections to the factor, unit suffixes, counts and durations, notes, dates. */
function describe(vib: Vib): { meaning: ValueMeaning; additive: number } {
  let { quantity, unit, factor, offset, date } = vib.meaning;
  const { unsigned } = vib.meaning;
  let additive = 0;
  const notes: string[] = [];
  for (const code of vib.vifes) {
    const effect = COMBINABLE_VIFE.get(code);
    if (!effect) {
      notes.push(`VIFE 0x${code.toString(16)}`);
      continue;
    }
    if (effect.measure) {
      ({ unit, factor } = effect.measure);
      offset = undefined;
    }
    if (effect.factor !== undefined) factor *= effect.factor;
    if (effect.additiveDecade !== undefined) additive += 10 ** effect.additiveDecade * vib.meaning.factor;
    if (effect.unitSuffix && unit) unit += effect.unitSuffix;
    if (effect.note) notes.push(effect.note);
    if (effect.date) date = true;
  }
  if (notes.length > 0) quantity = `${quantity} (${notes.join(', ')})`;
  return { meaning: { quantity, unit, factor, offset, date, unsigned }, additive };
}

/** Date codings are defined low byte first; mode 2 sends them the other way round. */
const littleEndian = (data: Uint8Array, bigEndian: boolean) => (bigEndian ? data.slice().reverse() : data);

function special(dif: number, index: number, rest: Uint8Array): MbusRecord {
  const fn = dif === DIF_MORE_RECORDS_FOLLOW ? 'more-records-follow' : 'manufacturer-specific';
  return {
    record: index,
    function: fn,
    storage: 0,
    tariff: 0,
    subunit: 0,
    quantity: 'Manufacturer specific data',
    unit: null,
    value: hex(rest),
  };
}

/** Where a record that fails starts, for its message: built only when something fails. */
function where(record: number, byte: number): string {
  return `record ${record} at byte ${byte}`;
}

/** Parses all data records of a variable data structure (the bytes after the header, up to the checksum). */
export function parseRecords(bytes: Uint8Array, bigEndian = false): RecordsResult {
  const cur = new Cursor(bytes);
  const records: MbusRecord[] = [];
  let clock: CivilFields | undefined;
  while (cur.left > 0) {
    const start = cur.pos;
    const dif = cur.next()!;
    if (dif === DIF_IDLE_FILLER) continue;
    if (dif === DIF_MANUFACTURER_DATA || dif === DIF_MORE_RECORDS_FOLLOW) {
      records.push(special(dif, records.length, cur.take(cur.left)!));
      break;
    }
    const coding = dif & 0x0f;
    if (coding === 0x0f)
      return { ok: false, problem: `${where(records.length, start)}: reserved special DIF 0x${dif.toString(16)}` };
    let storage = (dif >> 6) & 1;
    let tariff = 0;
    let subunit = 0;
    let extended = (dif & 0x80) !== 0;
    for (let i = 0; extended; i++) {
      const dife = cur.next();
      if (dife === undefined)
        return { ok: false, problem: `${where(records.length, start)}: the data ends inside the DIFEs` };
      if (i >= MAX_EXTENSIONS) return { ok: false, problem: `${where(records.length, start)}: more than 10 DIFEs` };
      extended = (dife & 0x80) !== 0;
      storage += (dife & 0x0f) * STORAGE_WEIGHT[i]!;
      tariff += ((dife >> 4) & 0x03) * TARIFF_WEIGHT[i]!;
      subunit += ((dife >> 6) & 0x01) * SUBUNIT_WEIGHT[i]!;
    }
    const vib = readVib(cur);
    if (typeof vib === 'string') return { ok: false, problem: `${where(records.length, start)}: ${vib}` };
    let length: number = DATA_LENGTH[coding]!;
    let lvar: number | undefined;
    if (length === -1) {
      lvar = cur.next();
      const n = lvar === undefined ? null : lvarLength(lvar);
      if (n === null) return { ok: false, problem: `${where(records.length, start)}: missing or reserved LVAR byte` };
      length = n;
    }
    const data = cur.take(length);
    if (!data)
      return {
        ok: false,
        problem: `${where(records.length, start)}: needs ${length} data bytes, only ${cur.left} left`,
      };
    const { meaning, additive } = describe(vib);
    const fn = FUNCTIONS[(dif >> 4) & 0x03]!;
    let value: number | string;
    let unit = meaning.unit;
    if (coding === 0x00 || coding === 0x08) {
      value = ''; // no data, or a selection for readout
    } else if (lvar !== undefined) {
      const v = readLvar(lvar, data, bigEndian);
      value = typeof v === 'number' ? toSi(v, meaning, additive) : v;
    } else if (meaning.date && DATE_CODINGS.has(coding)) {
      value = formatDate(littleEndian(data, bigEndian)) ?? '';
      unit = null;
    } else if (coding === 0x05) {
      value = toSi(readReal32(data, bigEndian), meaning, additive);
    } else {
      const raw = BCD_CODINGS.has(coding) ? readBcd(data, bigEndian) : readInt(data, bigEndian, meaning.unsigned);
      value = typeof raw === 'number' ? toSi(raw, meaning, additive) : raw;
    }
    // The meter clock: the first plain date & time record among the current values.
    const isClock = vib.primary === VIF_DATE_TIME && vib.vifes.length === 0 && (coding === 0x4 || coding === 0x6);
    if (!clock && isClock && fn === 'instantaneous' && storage === 0 && tariff === 0 && subunit === 0) {
      clock = readDateFields(littleEndian(data, bigEndian)) ?? undefined;
    }
    records.push({
      record: records.length,
      function: fn,
      storage,
      tariff,
      subunit,
      quantity: meaning.quantity,
      unit,
      value,
    });
  }
  return clock ? { ok: true, records, clock } : { ok: true, records };
}
