/**
 * Decoded message → the profile's readings: the quantity table applied to OBIS values and EN 13757-3 records, units
 * converted, derived values (tariff sums, signed power) filled in. Values the table does not know are left out; the
 * decoder's own output still carries them. Pure and total: any message, however odd, gives a (possibly empty) list.
 */
import { fullObis } from '../protocols/iec62056-21/full-obis.ts';
import { parseObis } from '../protocols/obis.ts';
import { type DecodedMessage, isMbusMessage, type MbusMessage, type ObisMessage } from '../protocols/types.ts';
import { DSMR_SUBMETER, MEDIA, QUANTITIES, SIGNED_POWER, type Medium } from './quantities.ts';
import { FoundReadings } from './found-readings.ts';
import { unitConversion, type UnitConversion } from './units.ts';

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

const position = new Map(QUANTITIES.map((q, i) => [q, i]));
const positionById = new Map(QUANTITIES.map((q, i) => [q.id, i]));
const byObis = new Map(QUANTITIES.flatMap((q, i) => (q.obis ?? []).map((code) => [code, i] as const)));
const signedByObis = new Map(SIGNED_POWER.map((rule) => [rule.obis, positionById.get(rule.positive)!]));
const mediumByCode = new Map(MEDIA.map((m) => [m.code, m.medium]));
const mediumByName = new Map(MEDIA.flatMap((m) => m.names.map((name) => [name.toLowerCase(), m.medium] as const)));
/** Totals summed from tariff registers: the total's position and its parts' positions. */
const SUMMED = QUANTITIES.flatMap((q, i) =>
  q.sumOf ? [{ total: i, parts: q.sumOf.map((id) => positionById.get(id)!) }] : [],
);
/** By table position: which total of SUMMED a quantity is a part of, or -1. */
const PART_OF = QUANTITIES.map((_, i) => SUMMED.findIndex(({ parts }) => parts.includes(i)));
const SIGN_RULES = SIGNED_POWER.map((rule) => ({
  positive: positionById.get(rule.positive)!,
  negative: positionById.get(rule.negative)!,
}));
const SUBMETER_VALUES: readonly string[] = DSMR_SUBMETER.values;
/** An M-Bus row's position and the rank of the VIF quantity that names it (0: its `vif`, then its `also` names in order). */
type MbusMatch = { position: number; rank: number };
/** M-Bus rows by medium, tariff and VIF quantity (lower case); the first row of the table wins. */
const byMbusRecord = new Map<Medium, Map<number, Map<string, MbusMatch>>>();
QUANTITIES.forEach((q, i) => {
  if (!q.mbus) return;
  const byTariff = byMbusRecord.get(q.medium) ?? new Map<number, Map<string, MbusMatch>>();
  byMbusRecord.set(q.medium, byTariff);
  const byVif = byTariff.get(q.mbus.tariff ?? 0) ?? new Map<string, MbusMatch>();
  byTariff.set(q.mbus.tariff ?? 0, byVif);
  [q.mbus.vif, ...(q.mbus.also ?? [])].forEach((name, rank) => {
    const vif = name.toLowerCase();
    if (!byVif.has(vif)) byVif.set(vif, { position: i, rank });
  });
});

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

/** The meter's values of the message being harmonized (one at a time), and the signed powers among them. */
const found = new FoundReadings();
const signed = new FoundReadings();

/**
 * `knownTariffs`: the tariff quantities (e.g. `energy_in_t2`) the meter has sent before. A total summed from tariff
 * registers is left out when one of them is missing from this message, so a message with only some tariffs (a gPlug
 * immediate message with `Ei1` alone) never makes the total go down, which Home Assistant would book as a reset.
 */
export function harmonize(message: DecodedMessage, knownTariffs?: ReadonlySet<string>): Reading[] {
  found.reset();
  if (isMbusMessage(message)) fromMbus(message);
  else fromObis(message);
  addTariffSums(knownTariffs);
  return found.readings();
}

/** Quantity ids that totals are summed from (`energy_in_t1`, ...). */
export const TARIFF_QUANTITIES: ReadonlySet<string> = new Set(QUANTITIES.flatMap((q) => q.sumOf ?? []));

function finite(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** The value in the quantity's unit, or undefined when the unit does not fit or the value is implausible. */
function convert(at: number, value: number, conversion: UnitConversion | null): number | undefined {
  const quantity = QUANTITIES[at]!;
  if (!conversion || conversion.unit !== quantity.unit) return undefined;
  const converted = value * conversion.factor;
  if (!Number.isFinite(converted)) return undefined;
  const range = quantity.range;
  return range && (converted < range[0] || converted > range[1]) ? undefined : converted;
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
  /** A meter register (A = 1): the table position it fills, and that of the import quantity of a signed power it
   * states; -1 for none. */
  quantity: number;
  signed: number;
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
    quantity: a === 1 ? (byObis.get(key) ?? -1) : -1,
    signed: a === 1 ? (signedByObis.get(key) ?? -1) : -1,
    deviceType: a === 0 && key === DSMR_SUBMETER.deviceType,
    submeterValue: a === 0 && b > 0 && SUBMETER_VALUES.includes(key),
    unit: undefined,
    conversion: undefined,
  };
}

/** IEC 62056-21 readouts keep the meter's shortened addresses (`1.8.0`): the profile needs them in full. */
function registerFor(obis: string | null, shortened: boolean): Register | null {
  if (typeof obis !== 'string') return null;
  return shortened ? cached(shortenedRegisters, obis, readShortened) : cached(registers, obis, readRegister);
}

/** By the address as the meter wrote it: one lookup per value. */
const shortenedRegisters = new Map<string, Register | null>();

function readShortened(address: string): Register | null {
  const code = fullObis(address);
  return code === null ? null : cached(registers, code, readRegister);
}

function fromObis(message: ObisMessage): void {
  const shortened = message.protocol === 'iec62056-21';
  const messageTime = finite(message.timestamp);
  signed.reset();
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
      if (quantity < 0 && positive < 0) continue;
      const conversion = conversionOf(register, v.unit);
      const value = quantity >= 0 ? convert(quantity, number, conversion) : undefined;
      if (value !== undefined) found.add(quantity, value, 0, obis, timestamp);
      const net = positive >= 0 ? convert(positive, number, conversion) : undefined;
      if (net !== undefined) signed.add(positive, net, 0, obis, timestamp);
    } else if (register.submeterValue) {
      (submeterValues ??= []).push({ register, number, unit: v.unit, timestamp });
    }
  }
  for (const { register, number, unit, timestamp } of submeterValues ?? []) {
    const medium = mediumByCode.get(deviceTypes?.get(register.b) ?? -1);
    const conversion = conversionOf(register, unit);
    const quantity = QUANTITIES.find((q) => q.dsmrSubmeter && q.medium === medium && q.unit === conversion?.unit);
    const at = quantity ? position.get(quantity)! : -1;
    const value = at >= 0 ? convert(at, number, conversion) : undefined;
    if (value !== undefined) found.add(at, value, register.b, register.obis, timestamp);
  }
  applySignConvention();
}

/**
 * Import and export are published as magnitudes >= 0. A signed register (16.7.0, import positive) fills the pair when
 * the meter sends neither of its registers; a negative value on one register whose partner is missing is read the same
 * way (some meters sign 1.7.0); a negative value next to its partner register is read as 0.
 */
function applySignConvention(): void {
  for (const { positive, negative } of SIGN_RULES) {
    const imported = found.has(positive);
    const exported = found.has(negative);
    // The net power (import positive) and the register it came from, when it decides both.
    let from: FoundReadings | undefined;
    let at = positive;
    let sign = 1;
    if (!imported && !exported) from = signed.hasMain(positive) ? signed : undefined;
    else if (imported && !exported && found.value(positive) < 0) from = found;
    else if (exported && !imported && found.value(negative) < 0) [from, at, sign] = [found, negative, -1];
    if (from) {
      const net = sign * from.value(at);
      const obis = from.obisOf(at);
      const timestamp = from.timeOf(at);
      found.remove(positive);
      found.remove(negative);
      found.add(positive, Math.max(net, 0), 0, obis, timestamp);
      found.add(negative, Math.max(-net, 0), 0, obis, timestamp);
    } else {
      if (imported) found.setValue(positive, Math.max(found.value(positive), 0));
      if (exported) found.setValue(negative, Math.max(found.value(negative), 0));
    }
  }
}

const mbusMedia = new Map<string, Medium | undefined>();
const lowerCase = new Map<string, string>();
const mediumNamed = (name: string): Medium | undefined => mediumByName.get(name.trim().toLowerCase());
const toLowerCase = (text: string): string => text.toLowerCase();

function fromMbus(message: MbusMessage): void {
  const medium = cached(mbusMedia, String(message.device.medium), mediumNamed);
  const byTariff = medium && byMbusRecord.get(medium);
  if (!byTariff) return;
  const timestamp = finite(message.timestamp);
  for (const r of message.values) {
    const number = finite(r.value);
    if (number === undefined || r.function !== 'instantaneous' || r.storage !== 0 || r.subunit !== 0) continue;
    const vif = cached(lowerCase, String(r.quantity), toLowerCase);
    const match = byTariff.get(r.tariff)?.get(vif);
    const value = match && convert(match.position, number, unitConversion(r.unit));
    if (match && value !== undefined) addRanked(match, value, timestamp);
  }
}

/** The first record of a quantity wins, unless a record of a better-ranked VIF follows (base before metering conditions). */
function addRanked({ position: at, rank }: MbusMatch, value: number, timestamp: number | undefined): void {
  if (!found.hasMain(at)) {
    found.add(at, value, 0, undefined, timestamp);
    found.ranks[at] = rank;
  } else if (rank < found.ranks[at]!) {
    found.replace(at, value, timestamp);
    found.ranks[at] = rank;
  }
}

/** A total the meter does not send is the sum of the tariff registers it does send (DSMR has only T1/T2). */
function addTariffSums(knownTariffs: ReadonlySet<string> | undefined): void {
  for (let index = 0; index < SUMMED.length; index++) {
    const { total, parts } = SUMMED[index]!;
    if (found.has(total)) continue;
    let value = 0;
    let firstPart = -1;
    // In the order the parts were found, as the sum's rounding depends on it.
    for (const at of found.filled) {
      if (PART_OF[at] !== index) continue;
      if (firstPart < 0) firstPart = at;
      value += found.value(at);
    }
    if (firstPart < 0) continue;
    if (knownTariffs && parts.some((at) => knownTariffs.has(QUANTITIES[at]!.id) && !found.has(at))) continue;
    if (Number.isFinite(value)) found.add(total, value, 0, undefined, found.timeOf(firstPart));
  }
}
