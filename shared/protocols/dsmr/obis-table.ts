/**
 * The OBIS codes DSMR-style P1 telegrams carry (NL DSMR 2.2-5.0, BE e-MUCS, LU Smarty, SE, AT, CH, HU, EasyMeter),
 * as data: a name, the unit(s) meters state, and how to read the value. Used for names and unit checks, never to
 * filter: lines not listed here are decoded all the same. `0-n` rows cover every M-Bus channel (n = 1..4).
 */
import { formatObis } from '../obis.ts';

/**
 * How a value is read: `number` even without a unit, `string` kept verbatim (tariff `0001`, versions, serials),
 * `hex` an identifier sent as hex of ASCII, `text` a hex-coded message, `time` a date-time.
 */
export type ValueKind = 'number' | 'string' | 'hex' | 'text' | 'time';

export interface ObisEntry {
  readonly name: string;
  /** Units meters are seen to state for this code; empty when it carries none. */
  readonly units: readonly string[];
  readonly kind: ValueKind;
}

type Row = [obis: string, name: string, units: string, kind?: ValueKind];

// Units are `|`-separated alternatives; kind defaults to `number`.
const ROWS: Row[] = [
  ['1-3:0.2.8', 'DSMR version', '', 'string'],
  ['0-0:96.1.4', 'e-MUCS version', '', 'string'],
  ['0-0:1.0.0', 'Meter clock', '', 'time'],
  ['0-0:96.1.1', 'Equipment identifier', '', 'hex'],
  ['0-0:96.1.0', 'Equipment identifier (alternative)', '', 'hex'],
  ['0-0:42.0.0', 'COSEM logical device name', '', 'hex'],
  ['1-0:0.0.0', 'Meter serial number', '', 'string'],
  ['0-0:96.1.255', 'Meter identifier (EasyMeter)', '', 'hex'],
  ['1-0:96.5.5', 'Status word (EasyMeter)', '', 'string'],
  ['1-0:0.2.0', 'Firmware version', '', 'string'],
  ['0-0:96.14.0', 'Tariff indicator', '', 'string'],
  ['0-0:96.3.10', 'Breaker state', ''],
  ['0-0:17.0.0', 'Limiter threshold', 'kW|A'],
  ['1-0:31.4.0', 'Fuse supervision threshold L1', 'A'],
  ['1-0:51.4.0', 'Fuse supervision threshold L2', 'A'],
  ['1-0:71.4.0', 'Fuse supervision threshold L3', 'A'],
  ['0-0:96.13.0', 'Text message', '', 'text'],
  ['0-0:96.13.1', 'Text message code', '', 'text'],
  ['0-0:96.50.68', 'Breaker state (Fluvius)', '', 'string'],

  ['1-0:1.8.0', 'Energy imported, total', 'kWh|Wh'],
  ['1-0:1.8.1', 'Energy imported, tariff 1', 'kWh|Wh'],
  ['1-0:1.8.2', 'Energy imported, tariff 2', 'kWh|Wh'],
  ['1-0:1.8.3', 'Energy imported, tariff 3', 'kWh|Wh'],
  ['1-0:1.8.4', 'Energy imported, tariff 4', 'kWh|Wh'],
  ['1-0:2.8.0', 'Energy exported, total', 'kWh|Wh'],
  ['1-0:2.8.1', 'Energy exported, tariff 1', 'kWh|Wh'],
  ['1-0:2.8.2', 'Energy exported, tariff 2', 'kWh|Wh'],
  ['1-0:2.8.3', 'Energy exported, tariff 3', 'kWh|Wh'],
  ['1-0:2.8.4', 'Energy exported, tariff 4', 'kWh|Wh'],
  ['1-0:3.8.0', 'Reactive energy imported', 'kvarh|varh'],
  ['1-0:3.8.1', 'Reactive energy imported, tariff 1', 'kvarh|varh'],
  ['1-0:3.8.2', 'Reactive energy imported, tariff 2', 'kvarh|varh'],
  ['1-0:4.8.0', 'Reactive energy exported', 'kvarh|varh'],
  ['1-0:4.8.1', 'Reactive energy exported, tariff 1', 'kvarh|varh'],
  ['1-0:4.8.2', 'Reactive energy exported, tariff 2', 'kvarh|varh'],
  ['1-0:5.8.0', 'Reactive energy, quadrant I', 'kvarh|varh'],
  ['1-0:6.8.0', 'Reactive energy, quadrant II', 'kvarh|varh'],
  ['1-0:7.8.0', 'Reactive energy, quadrant III', 'kvarh|varh'],
  ['1-0:8.8.0', 'Reactive energy, quadrant IV', 'kvarh|varh'],
  ['1-0:15.8.0', 'Absolute active energy', 'kWh|Wh'],

  ['1-0:1.7.0', 'Power imported', 'kW|W'],
  ['1-0:2.7.0', 'Power exported', 'kW|W'],
  ['1-0:3.7.0', 'Reactive power imported', 'kvar|var'],
  ['1-0:4.7.0', 'Reactive power exported', 'kvar|var'],
  ['1-0:5.7.0', 'Reactive power, quadrant I', 'kvar|var'],
  ['1-0:6.7.0', 'Reactive power, quadrant II', 'kvar|var'],
  ['1-0:7.7.0', 'Reactive power, quadrant III', 'kvar|var'],
  ['1-0:8.7.0', 'Reactive power, quadrant IV', 'kvar|var'],
  ['1-0:9.7.0', 'Apparent power imported', 'kVA|VA'],
  ['1-0:10.7.0', 'Apparent power exported', 'kVA|VA'],
  ['1-0:21.7.0', 'Power imported L1', 'kW|W'],
  ['1-0:41.7.0', 'Power imported L2', 'kW|W'],
  ['1-0:61.7.0', 'Power imported L3', 'kW|W'],
  ['1-0:22.7.0', 'Power exported L1', 'kW|W'],
  ['1-0:42.7.0', 'Power exported L2', 'kW|W'],
  ['1-0:62.7.0', 'Power exported L3', 'kW|W'],
  ['1-0:23.7.0', 'Reactive power imported L1', 'kvar|var'],
  ['1-0:43.7.0', 'Reactive power imported L2', 'kvar|var'],
  ['1-0:63.7.0', 'Reactive power imported L3', 'kvar|var'],
  ['1-0:24.7.0', 'Reactive power exported L1', 'kvar|var'],
  ['1-0:44.7.0', 'Reactive power exported L2', 'kvar|var'],
  ['1-0:64.7.0', 'Reactive power exported L3', 'kvar|var'],
  ['1-0:32.7.0', 'Voltage L1', 'V'],
  ['1-0:52.7.0', 'Voltage L2', 'V'],
  ['1-0:72.7.0', 'Voltage L3', 'V'],
  ['1-0:31.7.0', 'Current L1', 'A'],
  ['1-0:51.7.0', 'Current L2', 'A'],
  ['1-0:71.7.0', 'Current L3', 'A'],
  ['1-0:91.7.0', 'Current in neutral', 'A'],
  ['1-0:13.7.0', 'Power factor', ''],
  ['1-0:33.7.0', 'Power factor L1', ''],
  ['1-0:53.7.0', 'Power factor L2', ''],
  ['1-0:73.7.0', 'Power factor L3', ''],
  ['1-0:14.7.0', 'Frequency', 'Hz'],

  ['1-0:1.4.0', 'Current average demand (quarter hour)', 'kW'],
  ['1-0:1.6.0', 'Maximum demand this month', 'kW'],
  ['0-0:98.1.0', 'Monthly peak demand history (e-MUCS)', 'kW'],

  ['0-0:96.7.21', 'Power failures', ''],
  ['0-0:96.7.9', 'Long power failures', ''],
  ['1-0:99.97.0', 'Power failure event log', ''],
  ['0-0:96.7.19', 'Power failure (duration, ending at its timestamp)', 's'],
  ['1-0:32.32.0', 'Voltage sags L1', ''],
  ['1-0:52.32.0', 'Voltage sags L2', ''],
  ['1-0:72.32.0', 'Voltage sags L3', ''],
  ['1-0:32.36.0', 'Voltage swells L1', ''],
  ['1-0:52.36.0', 'Voltage swells L2', ''],
  ['1-0:72.36.0', 'Voltage swells L3', ''],

  ['0-n:24.1.0', 'M-Bus device type', ''],
  ['0-n:96.1.0', 'M-Bus equipment identifier', '', 'hex'],
  ['0-n:96.1.1', 'M-Bus equipment identifier', '', 'hex'],
  ['0-n:24.2.1', 'M-Bus meter reading', 'm3|GJ|kWh|MWh'],
  ['0-n:24.2.3', 'M-Bus meter reading (not temperature corrected)', 'm3'],
  ['0-n:24.3.0', 'M-Bus meter reading (DSMR 2.2/3)', 'm3|GJ|kWh'],
  ['0-n:24.4.0', 'M-Bus valve position', ''],
];

const TABLE: ReadonlyMap<string, ObisEntry> = new Map(
  ROWS.map(([obis, name, units, kind = 'number']) => [obis, { name, units: units ? units.split('|') : [], kind }]),
);

const M_BUS_CHANNEL = /^0-[1-9]\d*:/;

/** The table entry for an OBIS code in canonical form, M-Bus channels folded onto their `0-n` row. */
export function lookupObis(obis: string): ObisEntry | undefined {
  return TABLE.get(obis) ?? (M_BUS_CHANNEL.test(obis) ? TABLE.get(obis.replace(M_BUS_CHANNEL, '0-n:')) : undefined);
}

/** What the telegram parser needs of a code: its canonical text, how to read it, and whether it is the DSMR 2.2/3 gas line. */
export interface ObisSpec {
  readonly obis: string;
  readonly kind: ValueKind | undefined;
  readonly legacyMbusReading: boolean;
}

const LEGACY_MBUS_READING = /^0-\d+:24\.3\.0$/;
const MAX_CACHED_SPECS = 4096;
const specs = new Map<number, ObisSpec>();

/** The spec of a code read as a numeric key (six octets, see readObisKey); made once per code (bounded cache). */
export function obisSpec(key: number): ObisSpec {
  let spec = specs.get(key);
  if (spec === undefined) {
    const octets = [0, 0, 0, 0, 0, 0];
    for (let i = 5, rest = key; i >= 0; i--, rest = Math.floor(rest / 256)) octets[i] = rest % 256;
    const obis = formatObis(octets);
    spec = { obis, kind: lookupObis(obis)?.kind, legacyMbusReading: LEGACY_MBUS_READING.test(obis) };
    if (specs.size >= MAX_CACHED_SPECS) specs.clear();
    specs.set(key, spec);
  }
  return spec;
}
