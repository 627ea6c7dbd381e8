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

function table(rows: readonly Row[], extra: Record<number, Partial<ValueMeaning>> = {}): ReadonlyMap<number, ValueMeaning> {
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
  { 0x6c: { date: true }, 0x6d: { date: true } },
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
  { 0x30: { date: true }, 0x70: { date: true } },
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
    [0x58, 0x5c, 0x64, 0x70].flatMap((first) =>
      [0, 1, 2, 3].map((i) => [first + i, { offset: -32 * FAHRENHEIT }]),
    ),
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
  date?: boolean;
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

/** Combinable VIFEs (EN 13757-3 table of orthogonal VIFE codes), extension bit masked off. */
export const COMBINABLE_VIFE: ReadonlyMap<number, VifeEffect> = new Map<number, VifeEffect>([
  ...Array.from({ length: 0x20 }, (_, code): [number, VifeEffect] => [
    code,
    code === 0 ? {} : { note: `error: ${RECORD_ERRORS[code] ?? 'reserved error code'}` },
  ]),
  ...PER.map((unitSuffix, i): [number, VifeEffect] => [0x20 + i, { unitSuffix }]),
  [0x28, { note: 'increment per input pulse on channel 0' }],
  [0x29, { note: 'increment per input pulse on channel 1' }],
  [0x2a, { note: 'increment per output pulse on channel 0' }],
  [0x2b, { note: 'increment per output pulse on channel 1' }],
  ...PER_UNIT.map((unitSuffix, i): [number, VifeEffect] => [0x2c + i, { unitSuffix }]),
  [0x39, { note: 'start date/time of', date: true }],
  [0x3a, { note: 'uncorrected unit' }],
  [0x3b, { note: 'accumulation only of positive contributions' }],
  [0x3c, { note: 'accumulation of absolute value only of negative contributions' }],
  [0x40, { note: 'lower limit' }],
  [0x41, { note: 'number of exceeds of lower limit' }],
  [0x48, { note: 'upper limit' }],
  [0x49, { note: 'number of exceeds of upper limit' }],
  ...[0x42, 0x43, 0x46, 0x47, 0x4a, 0x4b, 0x4e, 0x4f].map((code): [number, VifeEffect] => [
    code,
    { note: `date/time of ${code & 1 ? 'end' : 'begin'} of ${code & 4 ? 'last' : 'first'} ${code & 8 ? 'upper' : 'lower'} limit exceed`, date: true },
  ]),
  ...Array.from({ length: 0x20 }, (_, i): [number, VifeEffect] => [0x50 + i, { note: 'duration of limit exceed' }]),
  ...Array.from({ length: 8 }, (_, n): [number, VifeEffect] => [0x70 + n, { factor: 10 ** (n - 6) }]),
  ...Array.from({ length: 4 }, (_, n): [number, VifeEffect] => [0x78 + n, { additiveDecade: n - 3 }]),
  [0x7d, { factor: 1000 }],
  [0x7e, { note: 'future value' }],
]);

/** Device type (medium) byte of the variable data header, named as libmbus names them. */
export const MEDIUM: readonly string[] = [
  'Other',
  'Oil',
  'Electricity',
  'Gas',
  'Heat: Outlet',
  'Steam',
  'Warm water (30-90°C)',
  'Water',
  'Heat Cost Allocator',
  'Compressed Air',
  'Cooling load meter: Outlet',
  'Cooling load meter: Inlet',
  'Heat: Inlet',
  'Heat / Cooling load meter',
  'Bus/System',
  'Unknown Medium',
  'Irrigation Water',
  'Water Logger',
  'Gas Logger',
  'Gas Converter',
  'Calorific value',
  'Hot water (>90°C)',
  'Cold water',
  'Dual water',
  'Pressure',
  'A/D Converter',
  'Smoke Detector',
  'Ambient Sensor',
  'Gas Detector',
  'Reserved',
  'Reserved',
  'Reserved',
  'Breaker: Electricity',
  'Valve: Gas or Water',
  'Reserved',
  'Reserved',
  'Reserved',
  'Customer Unit: Display Device',
  'Reserved',
  'Reserved',
  'Waste Water',
  'Garbage',
  'Reserved',
  'Service Unit',
  'Reserved',
  'Reserved',
  'Reserved',
  'Reserved',
  'Reserved',
  'Reserved',
  'Reserved',
  'Reserved',
  'Reserved',
  'Reserved',
  'Radio Converter: System',
  'Radio Converter: Meter',
];

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
