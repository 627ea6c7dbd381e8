/**
 * Decoded message → the profile's readings: the quantity table applied to OBIS values and EN 13757-3 records, units
 * converted, derived values (tariff sums, signed power) filled in. Values the table does not know are left out; the
 * decoder's own output still carries them. Pure and total: any message, however odd, gives a (possibly empty) list.
 */
import { fullObis } from '../protocols/iec62056-21/full-obis.ts';
import { parseObis } from '../protocols/obis.ts';
import { type DecodedMessage, isMbusMessage, type MbusMessage, type ObisMessage } from '../protocols/types.ts';
import { DSMR_SUBMETER, MEDIA, QUANTITIES, SIGNED_POWER, type Medium, type Quantity } from './quantities.ts';
import { roundValue, unitConversion, type UnitConversion } from './units.ts';

export interface Reading {
  /** Quantity id from the table, e.g. `power_in`. */
  quantity: string;
  /** Relative value topic, e.g. `power/power_in`; a second sub-meter of one quantity gets `_<channel>` appended. */
  topic: string;
  /** In the profile unit, rounded to 12 significant digits. */
  value: number;
  unit: string;
  /** The register it came from (`A-B:C.D.E`); absent for M-Bus records and derived values (tariff sums). */
  obis?: string;
  /** Unix seconds: the value's own capture time (sub-meters), else the message's meter clock; absent if neither. */
  timestamp?: number;
}

interface Candidate {
  quantity: Quantity;
  value: number;
  /** 0 for the meter itself, n for DSMR sub-meter channel n. */
  channel: number;
  obis?: string;
  timestamp?: number;
  /** The quantity's position in the table: readings come out in table order. */
  order: number;
  /** M-Bus: the record's VIF rank among the quantity's VIF names (0 best), so the preferred record wins. */
  rank?: number;
}

const byId = new Map(QUANTITIES.map((q) => [q.id, q]));
const byObis = new Map(QUANTITIES.flatMap((q) => (q.obis ?? []).map((code) => [code, q] as const)));
const signedByObis = new Map(SIGNED_POWER.map((rule) => [rule.obis, byId.get(rule.positive)!]));
const mediumByCode = new Map(MEDIA.map((m) => [m.code, m.medium]));
const mediumByName = new Map(MEDIA.flatMap((m) => m.names.map((name) => [name.toLowerCase(), m.medium] as const)));
const tableIndex = new Map(QUANTITIES.map((q, i) => [q, i]));
/** Totals summed from tariff registers, each with its parts. */
const SUMMED = QUANTITIES.filter((q) => q.sumOf).map((total) => ({ total, ids: total.sumOf! }));
/** By table position: which total of SUMMED a quantity is a part of, or -1 (candidates carry their position). */
const PART_OF = QUANTITIES.map((q) => SUMMED.findIndex(({ ids }) => ids.includes(q.id)));
const SIGN_RULES = SIGNED_POWER.map((rule) => ({
  positive: byId.get(rule.positive)!,
  negative: byId.get(rule.negative)!,
}));
const SUBMETER_VALUES: readonly string[] = DSMR_SUBMETER.values;
/** An M-Bus row and the rank of the VIF quantity that names it (0: its `vif`, then its `also` names in order). */
type MbusMatch = { quantity: Quantity; rank: number };
/** M-Bus rows by medium, tariff and VIF quantity (lower case); the first row of the table wins. */
const byMbusRecord = new Map<Medium, Map<number, Map<string, MbusMatch>>>();
for (const q of QUANTITIES) {
  if (!q.mbus) continue;
  const byTariff = byMbusRecord.get(q.medium) ?? new Map<number, Map<string, MbusMatch>>();
  byMbusRecord.set(q.medium, byTariff);
  const byVif = byTariff.get(q.mbus.tariff ?? 0) ?? new Map<string, MbusMatch>();
  byTariff.set(q.mbus.tariff ?? 0, byVif);
  [q.mbus.vif, ...(q.mbus.also ?? [])].forEach((name, rank) => {
    const vif = name.toLowerCase();
    if (!byVif.has(vif)) byVif.set(vif, { quantity: q, rank });
  });
}

/** Bounds the caches below, whose keys come from the wire. */
const MAX_CACHED = 4096;

function cached<K, V>(cache: Map<K, V>, key: K, make: (key: K) => V): V {
  const known = cache.get(key);
  if (known !== undefined || cache.has(key)) return known as V;
  const value = make(key);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * `knownTariffs`: the tariff quantities (e.g. `energy_in_t2`) the meter has sent before. A total summed from tariff
 * registers is left out when one of them is missing from this message, so a message with only some tariffs (a gPlug
 * immediate message with `Ei1` alone) never makes the total go down, which Home Assistant would book as a reset.
 */
export function harmonize(message: DecodedMessage, knownTariffs?: ReadonlySet<string>): Reading[] {
  const found = isMbusMessage(message) ? fromMbus(message) : fromObis(message);
  addTariffSums(found, knownTariffs);
  return toReadings(found);
}

/** Quantity ids that totals are summed from (`energy_in_t1`, ...). */
export const TARIFF_QUANTITIES: ReadonlySet<string> = new Set(QUANTITIES.flatMap((q) => q.sumOf ?? []));

function finite(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** The value in the quantity's unit, or undefined when the unit does not fit or the value is implausible. */
function convert(quantity: Quantity, value: number, conversion: UnitConversion | null): number | undefined {
  if (!conversion || conversion.unit !== quantity.unit) return undefined;
  const converted = value * conversion.factor;
  if (!Number.isFinite(converted)) return undefined;
  const range = quantity.range;
  return range && (converted < range[0] || converted > range[1]) ? undefined : converted;
}

/** First register wins: a meter that repeats a code (or sends 24.2.1 and 24.2.3) publishes one value per topic. */
function add(
  found: Candidate[],
  quantity: Quantity,
  value: number,
  channel: number,
  obis?: string,
  timestamp?: number,
): void {
  for (const c of found) if (c.quantity === quantity && c.channel === channel) return;
  found.push({ quantity, value, channel, obis, timestamp, order: tableIndex.get(quantity)! });
}

/**
 * What the table makes of one current register, worked out once per code: meters send the same codes in every
 * message, and each message then costs a lookup per value, no string work.
 */
interface Register {
  /** `A-B:C.D.E` */
  obis: string;
  a: number;
  b: number;
  /** A meter register (A = 1): the quantity it fills, and the import quantity of a signed power it states. */
  quantity: Quantity | undefined;
  signed: Quantity | undefined;
  /** A DSMR sub-meter's device type (0-n:24.1.0), or one of its values on channel n > 0. */
  deviceType: boolean;
  submeterValue: boolean;
  /** The unit this register came with last time and its conversion: a meter states the same unit every time. */
  unit: string | null | undefined;
  conversion: UnitConversion | null | undefined;
}

function conversionOf(register: Register, unit: string | null): UnitConversion | null {
  if (register.unit !== unit || register.conversion === undefined) {
    register.unit = unit;
    register.conversion = unitConversion(unit);
  }
  return register.conversion;
}

const registers = new Map<string, Register | null>();

function readRegister(code: string): Register | null {
  const parts = parseObis(code);
  // F other than 255 is a historical value (a billing period), not the current reading.
  if (parts === null || (parts[5] !== undefined && parts[5] !== 255)) return null;
  const [a = 0, b = 0, c, d, e] = parts;
  const key = `${c}.${d}.${e}`;
  return {
    obis: `${a}-${b}:${key}`,
    a,
    b,
    quantity: a === 1 ? byObis.get(key) : undefined,
    signed: a === 1 ? signedByObis.get(key) : undefined,
    deviceType: a === 0 && key === DSMR_SUBMETER.deviceType,
    submeterValue: a === 0 && b > 0 && SUBMETER_VALUES.includes(key),
    unit: undefined,
    conversion: undefined,
  };
}

/** IEC 62056-21 readouts keep the meter's shortened addresses (`1.8.0`): the profile needs them in full. */
function registerFor(obis: string | null, shortened: boolean): Register | null {
  if (typeof obis !== 'string') return null;
  const code = shortened ? fullObis(obis) : obis;
  return code === null ? null : cached(registers, code, readRegister);
}

function fromObis(message: ObisMessage): Candidate[] {
  const shortened = message.protocol === 'iec62056-21';
  const messageTime = finite(message.timestamp);
  const found: Candidate[] = [];
  const signed: Candidate[] = [];
  /** Sub-meter values wait for every device type of the message, which names their medium. */
  let deviceTypes: Map<number, number> | undefined;
  let submeterValues: { register: Register; number: number; unit: string | null; timestamp?: number }[] | undefined;
  for (const v of message.values) {
    const register = registerFor(v.obis, shortened);
    if (!register) continue;
    if (register.deviceType) (deviceTypes ??= new Map()).set(register.b, Number(v.value));
    const number = finite(v.value);
    if (number === undefined) continue;
    const timestamp = finite(v.timestamp) ?? messageTime;
    if (register.a === 1) {
      const { quantity, signed: positive, obis } = register;
      if (!quantity && !positive) continue;
      const conversion = conversionOf(register, v.unit);
      const value = quantity && convert(quantity, number, conversion);
      if (quantity && value !== undefined) add(found, quantity, value, 0, obis, timestamp);
      const net = positive && convert(positive, number, conversion);
      if (positive && net !== undefined) add(signed, positive, net, 0, obis, timestamp);
    } else if (register.submeterValue) {
      (submeterValues ??= []).push({ register, number, unit: v.unit, timestamp });
    }
  }
  for (const { register, number, unit, timestamp } of submeterValues ?? []) {
    const medium = mediumByCode.get(deviceTypes?.get(register.b) ?? -1);
    const conversion = conversionOf(register, unit);
    const quantity = QUANTITIES.find((q) => q.dsmrSubmeter && q.medium === medium && q.unit === conversion?.unit);
    const value = quantity && convert(quantity, number, conversion);
    if (quantity && value !== undefined) add(found, quantity, value, register.b, register.obis, timestamp);
  }
  applySignConvention(found, signed);
  return found;
}

/**
 * Import and export are published as magnitudes >= 0. A signed register (16.7.0, import positive) fills the pair when
 * the meter sends neither of its registers; a negative value on one register whose partner is missing is read the same
 * way (some meters sign 1.7.0); a negative value next to its partner register is read as 0.
 */
function applySignConvention(found: Candidate[], signed: readonly Candidate[]): void {
  for (const { positive, negative } of SIGN_RULES) {
    const imported = first(found, positive);
    const exported = first(found, negative);
    let net: Candidate | undefined;
    if (!imported && !exported) net = first(signed, positive);
    else if (imported && !exported && imported.value < 0) net = imported;
    else if (exported && !imported && exported.value < 0) net = { ...exported, value: -exported.value };
    if (net) {
      const rest = found.filter((c) => c !== imported && c !== exported);
      found.splice(0, found.length, ...rest);
      add(found, positive, Math.max(net.value, 0), 0, net.obis, net.timestamp);
      add(found, negative, Math.max(-net.value, 0), 0, net.obis, net.timestamp);
    } else {
      if (imported) imported.value = Math.max(imported.value, 0);
      if (exported) exported.value = Math.max(exported.value, 0);
    }
  }
}

function first(candidates: readonly Candidate[], quantity: Quantity): Candidate | undefined {
  for (const c of candidates) if (c.quantity === quantity) return c;
  return undefined;
}

const mbusMedia = new Map<string, Medium | undefined>();
const lowerCase = new Map<string, string>();
const mediumNamed = (name: string): Medium | undefined => mediumByName.get(name.trim().toLowerCase());
const toLowerCase = (text: string): string => text.toLowerCase();

function fromMbus(message: MbusMessage): Candidate[] {
  const medium = cached(mbusMedia, String(message.device.medium), mediumNamed);
  const found: Candidate[] = [];
  const byTariff = medium && byMbusRecord.get(medium);
  if (!byTariff) return found;
  const timestamp = finite(message.timestamp);
  for (const r of message.values) {
    const number = finite(r.value);
    if (number === undefined || r.function !== 'instantaneous' || r.storage !== 0 || r.subunit !== 0) continue;
    const vif = cached(lowerCase, String(r.quantity), toLowerCase);
    const match = byTariff.get(r.tariff)?.get(vif);
    const value = match && convert(match.quantity, number, unitConversion(r.unit));
    if (match && value !== undefined) addRanked(found, match, value, timestamp);
  }
  return found;
}

/** Like add, but a record of a better-ranked VIF replaces one of a worse (base conditions before metering ones). */
function addRanked(found: Candidate[], match: MbusMatch, value: number, timestamp: number | undefined): void {
  const known = first(found, match.quantity);
  if (!known) {
    add(found, match.quantity, value, 0, undefined, timestamp);
    found.at(-1)!.rank = match.rank;
  } else if (match.rank < (known.rank ?? 0)) {
    Object.assign(known, { value, timestamp, rank: match.rank });
  }
}

/** A total the meter does not send is the sum of the tariff registers it does send (DSMR has only T1/T2). */
function addTariffSums(found: Candidate[], knownTariffs: ReadonlySet<string> | undefined): void {
  for (let index = 0; index < SUMMED.length; index++) {
    const { total, ids } = SUMMED[index]!;
    if (first(found, total)) continue;
    let value = 0;
    let firstPart: Candidate | undefined;
    for (const c of found) {
      if (c.channel !== 0 || PART_OF[c.order] !== index) continue;
      firstPart ??= c;
      value += c.value;
    }
    if (!firstPart || (knownTariffs && ids.some((id) => knownTariffs.has(id) && !first(found, byId.get(id)!))))
      continue;
    if (Number.isFinite(value)) add(found, total, value, 0, undefined, firstPart.timestamp);
  }
}

/** Table order, then channel; the lowest channel of a quantity gets the plain topic, others `<topic>_<channel>`. */
function toReadings(found: Candidate[]): Reading[] {
  const ordered = found.length > 1 ? found.sort(byTableOrder) : found;
  const readings: Reading[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const c = ordered[i]!;
    const { quantity } = c;
    const lowest = i === 0 || ordered[i - 1]!.quantity !== quantity;
    const topic = lowest ? quantity.topic : `${quantity.topic}_${c.channel}`;
    const value = roundValue(c.value);
    const { id, unit } = quantity;
    const { obis, timestamp } = c;
    // One literal per shape, fields in one order: adding fields to a made object changes its shape per reading.
    if (obis !== undefined && timestamp !== undefined) {
      readings.push({ quantity: id, topic, value, unit, obis, timestamp });
    } else if (obis !== undefined) {
      readings.push({ quantity: id, topic, value, unit, obis });
    } else if (timestamp !== undefined) {
      readings.push({ quantity: id, topic, value, unit, timestamp });
    } else {
      readings.push({ quantity: id, topic, value, unit });
    }
  }
  return readings;
}

function byTableOrder(x: Candidate, y: Candidate): number {
  return x.order - y.order || x.channel - y.channel;
}
