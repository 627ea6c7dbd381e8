/**
 * EN 13757-3 code tables as data: value information (VIF, the 0xFD and 0xFB extension tables, combinable VIFEs),
 * device types (media) and the units of the fixed data structure. Units are converted to one SI-style unit per
 * quantity here, so the rest of the decoder only multiplies: Wh, J, m3, m3/h, kg, kg/h, W, s, °C, K, bar, V, A.
 */

/** What a value information code means once converted: `si = raw × factor + offset`. */
export interface ValueMeaning {
  quantity: string;
  unit: string | null;
  factor: number;
  offset?: number;
  /** The data is a date/time (types G, F, I, J by data length) rather than a number. */
  date?: boolean;
  /** Identification numbers and bit fields (type D) are unsigned; measured values are signed (type B). */
  unsigned?: boolean;
}

/** The SI value of a raw number; `additive` is a VIFE's additive correction, already in SI units. */
export function toSi(raw: number, meaning: ValueMeaning, additive = 0): number {
  // Dividing by an exact power of ten rounds correctly (54321 / 1000 = 54.321, where × 0.001 gives 54.321000000000005).
  const inverse = Math.round(1 / meaning.factor);
  const exactInverse = meaning.factor < 1 && Math.abs(inverse * meaning.factor - 1) < 1e-12;
  const scaled = exactInverse ? raw / inverse : raw * meaning.factor;
  return scaled + additive + (meaning.offset ?? 0);
}

/** One row of a code table: codes `first`, `first + 1`, … share a quantity and unit; one factor per code. */
type Row = readonly [first: number, quantity: string, unit: string | null, factors: readonly number[]];

/** `count` powers of ten starting at 10^from. */
function decades(from: number, count: number, times = 1): number[] {
  return Array.from({ length: count }, (_, i) => Number((10 ** (from + i) * times).toPrecision(12)));
}

const SECONDS = [1, 60, 3600, 86400];
const MONTH = 2629746; // mean Gregorian month in seconds
const YEAR = 31556952; // mean Gregorian year in seconds
const FAHRENHEIT = 5 / 9;

const UNSIGNED = { unsigned: true } as const;

function table(
  rows: readonly Row[],
  extra: Record<number, Partial<ValueMeaning>> = {},
): ReadonlyMap<number, ValueMeaning> {
  const map = new Map<number, ValueMeaning>();
  for (const [first, quantity, unit, factors] of rows) {
    factors.forEach((factor, i) => map.set(first + i, { quantity, unit, factor, ...extra[first + i] }));
  }
  return map;
}

/** Primary VIF table (the extension bit masked off). 0x7B/0x7D/0x7C/0x7F are handled by the record parser. */
export const PRIMARY_VIF = table(
  [
    [0x00, 'Energy', 'Wh', decades(-3, 8)],
    [0x08, 'Energy', 'J', decades(0, 8)],
    [0x10, 'Volume', 'm3', decades(-6, 8)],
    [0x18, 'Mass', 'kg', decades(-3, 8)],
    [0x20, 'On time', 's', SECONDS],
    [0x24, 'Operating time', 's', SECONDS],
    [0x28, 'Power', 'W', decades(-3, 8)],
    [0x30, 'Power', 'W', decades(0, 8, 1 / 3600)], // J/h
    [0x38, 'Volume flow', 'm3/h', decades(-6, 8)],
    [0x40, 'Volume flow', 'm3/h', decades(-7, 8, 60)], // m3/min
    [0x48, 'Volume flow', 'm3/h', decades(-9, 8, 3600)], // m3/s
    [0x50, 'Mass flow', 'kg/h', decades(-3, 8)],
    [0x58, 'Flow temperature', '°C', decades(-3, 4)],
    [0x5c, 'Return temperature', '°C', decades(-3, 4)],
    [0x60, 'Temperature difference', 'K', decades(-3, 4)],
    [0x64, 'External temperature', '°C', decades(-3, 4)],
    [0x68, 'Pressure', 'bar', decades(-3, 4)],
    [0x6c, 'Time point (date)', null, [1]],
    [0x6d, 'Time point (date & time)', null, [1]],
    [0x6e, 'H.C.A.', 'HCA', [1]],
    [0x6f, 'Reserved', null, [1]],
    [0x70, 'Averaging Duration', 's', SECONDS],
    [0x74, 'Actuality Duration', 's', SECONDS],
    [0x78, 'Fabrication No', null, [1]],
    [0x79, '(Enhanced) Identification', null, [1]],
    [0x7a, 'Bus Address', null, [1]],
    [0x7e, 'Any VIF', null, [1]],
    [0x7f, 'Manufacturer specific', null, [1]],
  ],
  { 0x6c: { date: true }, 0x6d: { date: true }, 0x78: UNSIGNED, 0x79: UNSIGNED, 0x7a: UNSIGNED },
);

/** Main extension table: the VIFE after VIF 0xFD. */
export const FD_VIF = table(
  [
    [0x00, 'Credit', 'currency units', decades(-3, 4)],
    [0x04, 'Debit', 'currency units', decades(-3, 4)],
    [0x08, 'Access Number (transmission count)', null, [1]],
    [0x09, 'Medium', null, [1]],
    [0x0a, 'Manufacturer', null, [1]],
    [0x0b, 'Parameter set identification', null, [1]],
    [0x0c, 'Model / Version', null, [1]],
    [0x0d, 'Hardware version', null, [1]],
    [0x0e, 'Firmware version', null, [1]],
    [0x0f, 'Software version', null, [1]],
    [0x10, 'Customer location', null, [1]],
    [0x11, 'Customer', null, [1]],
    [0x12, 'Access Code User', null, [1]],
    [0x13, 'Access Code Operator', null, [1]],
    [0x14, 'Access Code System Operator', null, [1]],
    [0x15, 'Access Code Developer', null, [1]],
    [0x16, 'Password', null, [1]],
    [0x17, 'Error flags', null, [1]],
    [0x18, 'Error mask', null, [1]],
    [0x19, 'Reserved', null, [1]],
    [0x1a, 'Digital Output', null, [1]],
    [0x1b, 'Digital Input', null, [1]],
    [0x1c, 'Baudrate', 'Bd', [1]],
    [0x1d, 'Response delay time', 'bit times', [1]],
    [0x1e, 'Retry', null, [1]],
    [0x1f, 'Remote control', null, [1]],
    [0x20, 'First storage # for cyclic storage', null, [1]],
    [0x21, 'Last storage # for cyclic storage', null, [1]],
    [0x22, 'Size of storage block', null, [1]],
    [0x23, 'Reserved', null, [1]],
    [0x24, 'Storage interval', 's', [...SECONDS, MONTH, YEAR]],
    [0x2a, 'Reserved', null, [1, 1]],
    [0x2c, 'Duration since last readout', 's', SECONDS],
    [0x30, 'Start (date/time) of tariff', null, [1]],
    [0x31, 'Duration of tariff', 's', SECONDS.slice(1)],
    [0x34, 'Period of tariff', 's', [...SECONDS, MONTH, YEAR]],
    [0x3a, 'Dimensionless', null, [1]],
    [0x3b, 'Reserved', null, [1, 1, 1, 1, 1]],
    [0x40, 'Voltage', 'V', decades(-9, 16)],
    [0x50, 'Current', 'A', decades(-12, 16)],
    [0x60, 'Reset counter', null, [1]],
    [0x61, 'Cumulation counter', null, [1]],
    [0x62, 'Control signal', null, [1]],
    [0x63, 'Day of week', null, [1]],
    [0x64, 'Week number', null, [1]],
    [0x65, 'Time point of day change', null, [1]],
    [0x66, 'State of parameter activation', null, [1]],
    [0x67, 'Special supplier information', null, [1]],
    [0x68, 'Duration since last cumulation', 's', [3600, 86400, MONTH, YEAR]],
    [0x6c, 'Operating time battery', 's', [3600, 86400, MONTH, YEAR]],
    [0x70, 'Date and time of battery change', null, [1]],
    [0x71, 'RSSI', 'dBm', [1]],
    [0x72, 'Daylight saving', null, [1]],
    [0x73, 'Listening window management', null, [1]],
    [0x74, 'Remaining battery life time', 's', [86400]],
    [0x75, 'Number of times the meter was stopped', null, [1]],
    [0x76, 'Data container for manufacturer specific protocol', null, [1]],
  ],
  {
    0x30: { date: true },
    0x70: { date: true },
    ...Object.fromEntries(
      [0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x16, 0x17, 0x18, 0x1a, 0x1b].map((c) => [c, UNSIGNED]),
    ),
  },
);

/** Alternate extension table: the VIFE after VIF 0xFB. Imperial units are converted. */
export const FB_VIF = table(
  [
    [0x00, 'Energy', 'Wh', decades(5, 2)],
    [0x08, 'Energy', 'J', decades(8, 2)],
    [0x10, 'Volume', 'm3', decades(2, 2)],
    [0x18, 'Mass', 'kg', decades(5, 2)],
    [0x1a, 'Relative humidity', '%', decades(-1, 2)],
    [0x21, 'Volume', 'm3', [0.1 * 0.028316846592]], // 0.1 ft³
    [0x22, 'Volume', 'm3', [0.1 * 0.003785411784, 0.003785411784]], // US gallon
    [0x24, 'Volume flow', 'm3/h', [0.001 * 0.003785411784 * 60, 0.003785411784 * 60, 0.003785411784]], // gal/min, gal/h
    [0x28, 'Power', 'W', decades(5, 2)],
    [0x30, 'Power', 'W', decades(8, 2, 1 / 3600)], // GJ/h
    [0x58, 'Flow temperature', '°C', decades(-3, 4, FAHRENHEIT)],
    [0x5c, 'Return temperature', '°C', decades(-3, 4, FAHRENHEIT)],
    [0x60, 'Temperature difference', 'K', decades(-3, 4, FAHRENHEIT)],
    [0x64, 'External temperature', '°C', decades(-3, 4, FAHRENHEIT)],
    [0x70, 'Cold / Warm Temperature Limit', '°C', decades(-3, 4, FAHRENHEIT)],
    [0x74, 'Cold / Warm Temperature Limit', '°C', decades(-3, 4)],
    [0x78, 'Cumul count max power', 'W', decades(-3, 8)],
  ],
  Object.fromEntries(
    [0x58, 0x5c, 0x64, 0x70].flatMap((first) => [0, 1, 2, 3].map((i) => [first + i, { offset: -32 * FAHRENHEIT }])),
  ),
);

/** What a combinable (orthogonal) VIFE does to the value, unit or quantity. */
export interface VifeEffect {
  /** Multiplies the value. */
  factor?: number;
  /** Added after scaling, in units of the VIF's own step (`10^(nn-3)` × the VIF unit). */
  additiveDecade?: number;
  unitSuffix?: string;
  /** Appended to the quantity in brackets. */
  note?: string;
  /** The data is a date/time of an event concerning the quantity. */
  date?: boolean;
  /** The data is no longer the quantity itself but a count or duration about it, with this unit and factor. */
  measure?: { unit: string | null; factor: number };
}

const RECORD_ERRORS: Record<number, string> = {
  0x01: 'too many DIFEs',
  0x02: 'storage number not implemented',
  0x03: 'unit number not implemented',
  0x04: 'tariff number not implemented',
  0x05: 'function not implemented',
  0x06: 'data class not implemented',
  0x07: 'data size not implemented',
  0x0b: 'too many VIFEs',
  0x0c: 'illegal VIF group',
  0x0d: 'illegal VIF exponent',
  0x0e: 'VIF/DIF mismatch',
  0x0f: 'unimplemented action',
  0x15: 'no data available',
  0x16: 'data overflow',
  0x17: 'data underflow',
  0x18: 'data error',
  0x1c: 'premature end of record',
};

const PER = ['/s', '/min', '/h', '/d', '/week', '/month', '/year', '/revolution'];
const PER_UNIT = ['/l', '/m3', '/kg', '/K', '/kWh', '/GJ', '/kW', '/(K·l)', '/V', '/A', '·s', '·s/V', '·s/A'];
const NOTES: Record<number, string> = {
  0x28: 'increment per input pulse on channel 0',
  0x29: 'increment per input pulse on channel 1',
  0x2a: 'increment per output pulse on channel 0',
  0x2b: 'increment per output pulse on channel 1',
  0x3a: 'at metering conditions',
  0x3b: 'accumulation only of positive contributions',
  0x3c: 'accumulation of absolute value only of negative contributions',
  0x3d: 'alternate non-metric unit',
  0x3e: 'at base conditions',
  0x3f: 'OBIS declaration',
  0x40: 'lower limit',
  0x48: 'upper limit',
  0x68: 'value during lower limit exceed',
  0x69: 'leakage value',
  0x6c: 'value during upper limit exceed',
  0x6d: 'overflow value',
  0x7c: 'extended VIFE',
  0x7e: 'future value',
};

/** Bits u (upper), f (last) and b (end) of the limit-exceed VIFEs. */
const limit = (code: number) => (code & 8 ? 'upper' : 'lower');
const firstLast = (code: number) => (code & 4 ? 'last' : 'first');
const beginEnd = (code: number) => (code & 1 ? 'end' : 'begin');
const codes = (first: number, count: number) => Array.from({ length: count }, (_, i) => first + i);

/** Combinable VIFEs (EN 13757-3 table of orthogonal VIFE codes), extension bit masked off. */
export const COMBINABLE_VIFE: ReadonlyMap<number, VifeEffect> = new Map<number, VifeEffect>([
  ...codes(0x01, 0x1f).map((c): [number, VifeEffect] => [
    c,
    { note: `error: ${RECORD_ERRORS[c] ?? 'reserved error code'}` },
  ]),
  [0x00, {}],
  ...Object.entries(NOTES).map(([c, note]): [number, VifeEffect] => [Number(c), { note }]),
  ...PER.map((unitSuffix, i): [number, VifeEffect] => [0x20 + i, { unitSuffix }]),
  ...PER_UNIT.map((unitSuffix, i): [number, VifeEffect] => [0x2c + i, { unitSuffix }]),
  [0x39, { note: 'start date/time', date: true }],
  ...[0x41, 0x49].map((c): [number, VifeEffect] => [
    c,
    { note: `number of exceeds of ${limit(c)} limit`, measure: { unit: null, factor: 1 } },
  ]),
  ...[0x42, 0x43, 0x46, 0x47, 0x4a, 0x4b, 0x4e, 0x4f].map((c): [number, VifeEffect] => [
    c,
    { note: `date/time of ${beginEnd(c)} of ${firstLast(c)} ${limit(c)} limit exceed`, date: true },
  ]),
  ...codes(0x50, 16).map((c): [number, VifeEffect] => [
    c,
    { note: `duration of ${firstLast(c)} ${limit(c)} limit exceed`, measure: { unit: 's', factor: SECONDS[c & 3]! } },
  ]),
  // E110 0fnn and E110 1f1b qualify the quantity of the VIF itself (duration, date of its first/last occurrence),
  // not a limit exceed as the E100/E101 codes above do.
  ...codes(0x60, 8).map((c): [number, VifeEffect] => [
    c,
    { note: `duration of ${firstLast(c)}`, measure: { unit: 's', factor: SECONDS[c & 3]! } },
  ]),
  ...[0x6a, 0x6b, 0x6e, 0x6f].map((c): [number, VifeEffect] => [
    c,
    { note: `date/time of ${beginEnd(c)} of ${firstLast(c)}`, date: true },
  ]),
  ...codes(0x70, 8).map((c): [number, VifeEffect] => [c, { factor: 10 ** ((c & 7) - 6) }]),
  ...codes(0x78, 4).map((c): [number, VifeEffect] => [c, { additiveDecade: (c & 3) - 3 }]),
  [0x7d, { factor: 1000 }],
]);

/** Device type (medium) byte of the variable data header, named as libmbus names them; other codes are reserved. */
export const MEDIUM: Readonly<Record<number, string>> = {
  0x00: 'Other',
  0x01: 'Oil',
  0x02: 'Electricity',
  0x03: 'Gas',
  0x04: 'Heat: Outlet',
  0x05: 'Steam',
  0x06: 'Warm water (30-90°C)',
  0x07: 'Water',
  0x08: 'Heat Cost Allocator',
  0x09: 'Compressed Air',
  0x0a: 'Cooling load meter: Outlet',
  0x0b: 'Cooling load meter: Inlet',
  0x0c: 'Heat: Inlet',
  0x0d: 'Heat / Cooling load meter',
  0x0e: 'Bus/System',
  0x0f: 'Unknown Medium',
  0x10: 'Irrigation Water',
  0x11: 'Water Logger',
  0x12: 'Gas Logger',
  0x13: 'Gas Converter',
  0x14: 'Calorific value',
  0x15: 'Hot water (>90°C)',
  0x16: 'Cold water',
  0x17: 'Dual water',
  0x18: 'Pressure',
  0x19: 'A/D Converter',
  0x1a: 'Smoke Detector',
  0x1b: 'Ambient Sensor',
  0x1c: 'Gas Detector',
  0x20: 'Breaker: Electricity',
  0x21: 'Valve: Gas or Water',
  0x25: 'Customer Unit: Display Device',
  0x28: 'Waste Water',
  0x29: 'Garbage',
  0x2b: 'Service Unit',
  0x36: 'Radio Converter: System',
  0x37: 'Radio Converter: Meter',
};

/** The 4-bit medium of the fixed data structure (CI 0x73/0x77). */
export const FIXED_MEDIUM: readonly string[] = [
  'Other',
  'Oil',
  'Electricity',
  'Gas',
  'Heat',
  'Steam',
  'Hot Water',
  'Water',
  'H.C.A.',
  'Reserved',
  'Gas Mode 2',
  'Heat Mode 2',
  'Hot Water Mode 2',
  'Water Mode 2',
  'H.C.A. Mode 2',
  'Reserved',
];

/** Unit codes of the fixed data structure: nine decades per quantity from 0x02, then temperature and H.C.A. */
export const FIXED_UNIT = table([
  [0x00, 'Time (h,min,s)', null, [1]],
  [0x01, 'Time (D,M,Y)', null, [1]],
  [0x02, 'Energy', 'Wh', decades(0, 9)],
  [0x0b, 'Energy', 'J', decades(3, 9)],
  [0x14, 'Power', 'W', decades(0, 9)],
  [0x1d, 'Power', 'W', decades(3, 9, 1 / 3600)], // kJ/h
  [0x26, 'Volume', 'm3', decades(-6, 9)],
  [0x2f, 'Volume flow', 'm3/h', decades(-6, 9)],
  [0x38, 'Temperature', '°C', [0.001]],
  [0x39, 'H.C.A.', 'HCA', [1]],
  [0x3a, 'Reserved', null, [1, 1, 1, 1]],
  [0x3f, 'Dimensionless', null, [1]],
]);

/** Fixed-structure unit code for counter 2: same unit as counter 1, but a historic value. */
export const FIXED_UNIT_HISTORIC = 0x3e;
