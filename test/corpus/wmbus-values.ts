/**
 * Wireless M-Bus cases per ../shared/corpus/README.md: `device.id` and `medium` from wmbusmeters' JSON, and values
 * matched by value and unit among the decoded records (with function, storage, tariff and subunit where the case
 * states them). wmbusmeters names media and units its own way; the tables here translate them to EN 13757-3's.
 */
import type { DecodedLine } from './decoded-line.ts';

export interface WmbusValue {
  name: string;
  value: number;
  unit: string | null;
  measurementType: 'Instantaneous' | 'Maximum' | 'Minimum';
  storage?: number;
  tariff?: number;
  subunit?: number;
  alternatives?: { value: number; unit: string | null }[];
}

export interface WmbusCase {
  id: string;
  protocol: 'wmbus';
  file: string;
  key?: string;
  meter: string;
  expected: { messages: number; device: { id: string; medium: string }; values: WmbusValue[] };
}

/** wmbusmeters' media names → the device type names of EN 13757-3 (shared/protocols/mbus/tables.ts). */
const MEDIUM: Record<string, readonly string[]> = {
  water: ['Water'],
  'warm water': ['Warm water (30-90°C)'],
  gas: ['Gas'],
  electricity: ['Electricity'],
  heat: ['Heat: Outlet', 'Heat: Inlet'],
  'heat/cooling load': ['Heat / Cooling load meter'],
  'heat cost allocation': ['Heat Cost Allocator'],
  'room sensor': ['Ambient Sensor'],
  'smoke detector': ['Smoke Detector'],
  pressure: ['Pressure'],
};

/** wmbusmeters' units → the decoder's SI unit and the factor to it. */
const UNIT: Record<string, [unit: string | null, factor: number]> = {
  kWh: ['Wh', 1000],
  kW: ['W', 1000],
  m3: ['m3', 1],
  'm3/h': ['m3/h', 1],
  '°C': ['°C', 1],
  K: ['K', 1],
  V: ['V', 1],
  A: ['A', 1],
  bar: ['bar', 1],
  s: ['s', 1],
  h: ['s', 3600],
  years: ['s', 365.2425 * 86400],
};

const FUNCTION = { Instantaneous: 'instantaneous', Maximum: 'maximum', Minimum: 'minimum' } as const;

/** Energy in joules (VIF 0x08-0x0F) that wmbusmeters states in kWh. */
const JOULES_PER_KWH = 3.6e6;

function sameReading(
  got: { value: number | string; unit: string | null },
  want: { value: number; unit: string | null },
) {
  if (typeof got.value !== 'number') return false;
  // Heat cost allocator units have no SI unit: the decoder says 'HCA', wmbusmeters nothing.
  let [unit, factor] = want.unit === null ? [got.unit, 1] : (UNIT[want.unit] ?? [want.unit, 1]);
  if (want.unit === 'kWh' && got.unit === 'J') [unit, factor] = ['J', JOULES_PER_KWH];
  if (got.unit !== unit) return false;
  // wmbusmeters prints at most six decimals (years and converted joules show it); the rest is exact.
  const inOracleUnit = got.value / factor;
  const tolerance = want.unit === 'years' ? 1e-4 * Math.abs(want.value) : 5.1e-7 + 1e-12 * Math.abs(want.value);
  return Math.abs(inOracleUnit - want.value) <= tolerance;
}

/** Expected values replaced by name where the oracle contradicts EN 13757-3, with the reason. */
export const DEVIATIONS: Record<string, { reason: string; values: Record<string, Partial<WmbusValue>> }> = {
  'wmbus-wmbusmeters-gransystems-L267': {
    reason: 'DIFE 0x40 sets the subunit bit: phase 1 is subunit 1 (EN 13757-3 6.3.3); the driver file says subunit 0',
    values: { voltage_at_phase_1_v: { subunit: 1 }, current_at_phase_1_a: { subunit: 1 } },
  },
};

/** Every mismatch between a decoded wireless M-Bus message and the case; empty when it satisfies the case. */
export function checkWmbus(c: WmbusCase, lines: DecodedLine[]): string[] {
  const deviation = DEVIATIONS[c.id];
  const decoded = lines.filter((l) => !l.error);
  if (decoded.length !== c.expected.messages) {
    const errors = lines.filter((l) => l.error).map((l) => l.error);
    return [`expected ${c.expected.messages} message(s), got ${decoded.length}; errors: ${JSON.stringify(errors)}`];
  }
  const m = decoded[0]!;
  const problems: string[] = [];
  const { id, medium } = c.expected.device;
  if (m.device?.id !== id) problems.push(`device.id ${JSON.stringify(m.device?.id)}, expected ${id}`);
  if (m.meterId !== id) problems.push(`meterId ${JSON.stringify(m.meterId)}, expected ${id}`);
  if (!(MEDIUM[medium] ?? [medium]).includes(String(m.device?.medium)))
    problems.push(`device.medium ${JSON.stringify(m.device?.medium)}, expected ${medium}`);
  for (const expected of c.expected.values) {
    const want = { ...expected, ...deviation?.values[expected.name] };
    const found = (m.values ?? []).some(
      (r) =>
        r.function === FUNCTION[want.measurementType] &&
        (want.storage === undefined || r.storage === want.storage) &&
        (want.tariff === undefined || r.tariff === want.tariff) &&
        (want.subunit === undefined || r.subunit === want.subunit) &&
        [want, ...(want.alternatives ?? [])].some((w) => sameReading(r, w)),
    );
    if (!found) problems.push(`no record for ${want.name} = ${want.value} ${want.unit ?? ''}`);
  }
  return problems;
}
