/**
 * Decoded message → the profile's readings: the quantity table applied to OBIS values and EN 13757-3 records, units
 * converted, derived values (tariff sums, signed power) filled in. Values the table does not know are left out; the
 * decoder's own output still carries them. Pure and total: any message, however odd, gives a (possibly empty) list.
 */
import { fullObis } from '../protocols/iec62056-21/full-obis.ts';
import { parseObis } from '../protocols/obis.ts';
import { type DecodedMessage, isMbusMessage, type MbusMessage, type ObisMessage } from '../protocols/types.ts';
import { DSMR_SUBMETER, MEDIA, QUANTITIES, SIGNED_POWER, type Medium, type Quantity } from './quantities.ts';
import { roundValue, toProfileUnit } from './units.ts';

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
}

const byId = new Map(QUANTITIES.map((q) => [q.id, q]));
const byObis = new Map(QUANTITIES.flatMap((q) => (q.obis ?? []).map((code) => [code, q] as const)));
const signedByObis = new Map(SIGNED_POWER.map((rule) => [rule.obis, rule]));
const mediumByCode = new Map(MEDIA.map((m) => [m.code, m.medium]));
const mediumByName = new Map(MEDIA.flatMap((m) => m.names.map((name) => [name.toLowerCase(), m.medium] as const)));
/** Position in the table: readings come out in table order. */
const tableIndex = new Map(QUANTITIES.map((q, i) => [q, i]));
const SUMMED = QUANTITIES.filter((q) => q.sumOf);
/** M-Bus rows by medium, VIF quantity (lower case) and tariff; the first row of the table wins. */
const byMbusRecord = new Map<string, Quantity>();
for (const q of QUANTITIES) {
  const key = q.mbus && mbusKey(q.medium, q.mbus.vif.toLowerCase(), q.mbus.tariff ?? 0);
  if (key && !byMbusRecord.has(key)) byMbusRecord.set(key, q);
}

function mbusKey(medium: Medium, vif: string, tariff: number): string {
  return `${medium}|${tariff}|${vif}`;
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
function convert(quantity: Quantity, value: number, unit: string | null): number | undefined {
  const converted = toProfileUnit(value, unit);
  if (!converted || converted.unit !== quantity.unit || !Number.isFinite(converted.value)) return undefined;
  const [min, max] = quantity.range ?? [-Infinity, Infinity];
  return converted.value >= min && converted.value <= max ? converted.value : undefined;
}

/** First register wins: a meter that repeats a code (or sends 24.2.1 and 24.2.3) publishes one value per topic. */
function add(found: Candidate[], candidate: Candidate): void {
  const taken = found.some((c) => c.quantity === candidate.quantity && c.channel === candidate.channel);
  if (!taken) found.push(candidate);
}

/** A current register's code, split the way the table is keyed. */
interface Register {
  obis: string;
  a: number;
  b: number;
  key: string;
}

interface ParsedValue extends Register {
  value: number | string;
  unit: string | null;
  timestamp?: number;
}

/** Meters send the same codes in every message: each is read once (bounded, as codes come from the wire). */
const MAX_CACHED_REGISTERS = 4096;
const registers = new Map<string, Register | null>();

function registerOf(code: string): Register | null {
  const known = registers.get(code);
  if (known !== undefined) return known;
  const parts = parseObis(code);
  // F other than 255 is a historical value (a billing period), not the current reading.
  const current = parts !== null && (parts[5] === undefined || parts[5] === 255);
  const [a = 0, b = 0, c, d, e] = parts ?? [];
  const register = current ? { obis: `${a}-${b}:${c}.${d}.${e}`, a, b, key: `${c}.${d}.${e}` } : null;
  if (registers.size >= MAX_CACHED_REGISTERS) registers.clear();
  registers.set(code, register);
  return register;
}

function parseValues(message: ObisMessage): ParsedValue[] {
  const parsed: ParsedValue[] = [];
  // IEC 62056-21 readouts keep the meter's shortened addresses (`1.8.0`): the profile needs them in full.
  const shortened = message.protocol === 'iec62056-21';
  for (const v of message.values) {
    const code = shortened && typeof v.obis === 'string' ? fullObis(v.obis) : v.obis;
    const register = typeof code === 'string' ? registerOf(code) : null;
    if (!register) continue;
    const timestamp = finite(v.timestamp) ?? finite(message.timestamp);
    const { obis, a, b, key } = register;
    parsed.push({ obis, a, b, key, value: v.value, unit: v.unit, timestamp });
  }
  return parsed;
}

function fromObis(message: ObisMessage): Candidate[] {
  const values = parseValues(message);
  const deviceTypes = new Map<number, number>();
  for (const v of values) {
    if (v.a === 0 && v.key === DSMR_SUBMETER.deviceType) deviceTypes.set(v.b, Number(v.value));
  }
  const found: Candidate[] = [];
  const signed: Candidate[] = [];
  for (const v of values) {
    const number = finite(v.value);
    if (number === undefined) continue;
    if (v.a === 1) {
      const quantity = byObis.get(v.key);
      const value = quantity && convert(quantity, number, v.unit);
      if (quantity && value !== undefined) {
        add(found, { quantity, value, channel: 0, obis: v.obis, timestamp: v.timestamp });
      }
      const rule = signedByObis.get(v.key);
      const net = rule && convert(byId.get(rule.positive)!, number, v.unit);
      if (rule && net !== undefined) {
        add(signed, {
          quantity: byId.get(rule.positive)!,
          value: net,
          channel: 0,
          obis: v.obis,
          timestamp: v.timestamp,
        });
      }
    } else if (v.a === 0 && v.b > 0 && (DSMR_SUBMETER.values as readonly string[]).includes(v.key)) {
      const medium = mediumByCode.get(deviceTypes.get(v.b) ?? -1);
      const unit = toProfileUnit(number, v.unit)?.unit;
      const quantity = QUANTITIES.find((q) => q.dsmrSubmeter && q.medium === medium && q.unit === unit);
      const value = quantity && convert(quantity, number, v.unit);
      if (quantity && value !== undefined) {
        add(found, { quantity, value, channel: v.b, obis: v.obis, timestamp: v.timestamp });
      }
    }
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
  for (const rule of SIGNED_POWER) {
    const imported = found.find((c) => c.quantity.id === rule.positive);
    const exported = found.find((c) => c.quantity.id === rule.negative);
    let net: Candidate | undefined;
    if (!imported && !exported) net = signed.find((c) => c.quantity.id === rule.positive);
    else if (imported && !exported && imported.value < 0) net = imported;
    else if (exported && !imported && exported.value < 0) net = { ...exported, value: -exported.value };
    if (net) {
      const rest = found.filter((c) => c !== imported && c !== exported);
      const { obis, timestamp } = net;
      rest.push(
        { quantity: byId.get(rule.positive)!, value: Math.max(net.value, 0), channel: 0, obis, timestamp },
        { quantity: byId.get(rule.negative)!, value: Math.max(-net.value, 0), channel: 0, obis, timestamp },
      );
      found.splice(0, found.length, ...rest);
    } else {
      if (imported) imported.value = Math.max(imported.value, 0);
      if (exported) exported.value = Math.max(exported.value, 0);
    }
  }
}

function fromMbus(message: MbusMessage): Candidate[] {
  const medium: Medium | undefined = mediumByName.get(String(message.device.medium).trim().toLowerCase());
  const found: Candidate[] = [];
  if (!medium) return found;
  const timestamp = finite(message.timestamp);
  for (const r of message.values) {
    const number = finite(r.value);
    if (number === undefined || r.function !== 'instantaneous' || r.storage !== 0 || r.subunit !== 0) continue;
    const quantity = byMbusRecord.get(mbusKey(medium, String(r.quantity).toLowerCase(), r.tariff));
    const value = quantity && convert(quantity, number, r.unit);
    if (quantity && value !== undefined) add(found, { quantity, value, channel: 0, timestamp });
  }
  return found;
}

/** A total the meter does not send is the sum of the tariff registers it does send (DSMR has only T1/T2). */
function addTariffSums(found: Candidate[], knownTariffs: ReadonlySet<string> | undefined): void {
  for (const quantity of SUMMED) {
    const sumOf = quantity.sumOf!;
    if (found.some((c) => c.quantity === quantity)) continue;
    const parts = found.filter((c) => c.channel === 0 && sumOf.includes(c.quantity.id));
    if (parts.length === 0) continue;
    const missing = sumOf.some((id) => knownTariffs?.has(id) && !parts.some((c) => c.quantity.id === id));
    if (missing) continue;
    const value = parts.reduce((sum, c) => sum + c.value, 0);
    if (Number.isFinite(value)) add(found, { quantity, value, channel: 0, timestamp: parts[0]!.timestamp });
  }
}

/** Table order, then channel; the lowest channel of a quantity gets the plain topic, others `<topic>_<channel>`. */
function toReadings(found: readonly Candidate[]): Reading[] {
  const ordered = [...found].sort(
    (x, y) => tableIndex.get(x.quantity)! - tableIndex.get(y.quantity)! || x.channel - y.channel,
  );
  return ordered.map((c, i): Reading => {
    const { quantity } = c;
    const lowest = i === 0 || ordered[i - 1]!.quantity !== quantity;
    const reading: Reading = {
      quantity: quantity.id,
      topic: lowest ? quantity.topic : `${quantity.topic}_${c.channel}`,
      value: roundValue(c.value),
      unit: quantity.unit,
    };
    if (c.obis !== undefined) reading.obis = c.obis;
    if (c.timestamp !== undefined) reading.timestamp = c.timestamp;
    return reading;
  });
}
