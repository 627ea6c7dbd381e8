/**
 * gPlug (and other Tasmota smart-meter readers running the gPlug scripts): `tele/<topic>/SENSOR` with
 * `{"Time":"2024-05-01T12:00:05","z":{"SMid":"…","Pi":0.412,…}}`. Tasmota's SML driver publishes the whole `z` object
 * every TelePeriod (the bundle) and, for fields whose script precision is 16 or more, one field as soon as it
 * changes (the immediate message, e.g. `{"Time":…,"z":{"Pi":0.398}}`). Both are read alike.
 *
 * Field names follow the gPlug scripts (label ↔ OBIS as the gPlug E450 and E360 scripts define them). Older scripts
 * name the phase powers P1i/P1o and the voltages V1..V3; newer ones Pi1/Po1 and U1..U3: both are accepted.
 *
 * Units: energies kWh, reactive energies kvarh, voltages V, currents A. Power is kW in the newer scripts (the meter's
 * own `@1` scaling, printed with 2 or 3 decimals) and W in older ones (`@0.001` scaling, printed without decimals);
 * one script may even mix them (Pi in kW, P1i in W). `powerUnit: 'auto'` therefore decides per number from its
 * JSON text: written with a decimal point or exponent → kW, a bare integer → W. Tasmota always prints a field with
 * its configured decimals (0.000 kW stays "0.000"), so the rule holds for every value a script sends; a script
 * that prints kW without decimals or W with decimals needs `powerUnit` set explicitly.
 *
 * The meter ID is the meter's serial (SMid) once a bundle has carried it, else the Tasmota device topic. SMid only
 * comes with the bundle, so a reader remembers topic → serial (TasmotaMeterIds) to name the one-value messages between
 * bundles; before the first bundle nothing is held back: those messages go out under the topic, which the pipeline then
 * lets go `offline` like any meter that fell silent. SMid is also passed on as the value 0-0:96.1.0 (device ID).
 */
import type { ObisValue } from '../protocols/types.ts';
import { decodeError } from '../protocols/types.ts';
import { systemTimeZone } from '../time.ts';
import { isRecord, memberNumberTexts, parseJsonPayload, typeName } from './json.ts';
import { parseIsoDateTime } from './timestamp.ts';
import type { ConvertResult } from './types.ts';

export interface TasmotaOptions {
  /** Tasmota device topics (`%topic%`) to read; all (`+`) when absent or empty. */
  devices?: readonly string[];
  /** Telemetry prefix (`%prefix%`, Tasmota's Prefix3); `tele` by default. */
  prefix?: string;
  /** Top-level key of the smart-meter fields; the gPlug scripts name their meter `z`. */
  sensorKey?: string;
  /** Unit of the power fields; `auto` (default) decides per number, see above. */
  powerUnit?: 'auto' | 'W' | 'kW';
  /**
   * IANA zone of the Tasmota clock ("Time" carries no offset). The gateway reader decides it once when absent
   * (tasmotaTimeZone: Europe/Zurich for the gPlug's `z` key, else the system zone); called alone, the system zone.
   */
  timeZone?: string;
  /** The serials learned from this gateway's bundles; the gateway reader keeps one per gateway. Absent: topic IDs. */
  meterIds?: TasmotaMeterIds;
}

/** Devices remembered at most: a gateway broker with more gPlugs than this names the oldest by topic again. */
export const MAX_REMEMBERED_SERIALS = 4096;

/** Device topic → the meter serial its last bundle carried; bounded, least recently heard forgotten first. */
export class TasmotaMeterIds {
  private readonly serials = new Map<string, string>();

  constructor(private readonly limit = MAX_REMEMBERED_SERIALS) {}

  /** The meter ID for a message of `device`: the serial it carries, else the one learned for the device, else the topic. */
  resolve(device: string, serial: string | undefined): string {
    const known = this.serials.get(device);
    const id = serial || known;
    if (id === undefined) return device;
    this.serials.delete(device); // re-inserted last: the map's order is the order devices were last heard
    this.serials.set(device, id);
    if (this.serials.size > this.limit) this.serials.delete(this.serials.keys().next().value!);
    return id;
  }
}

type FieldKind = 'id' | 'power' | 'energy' | 'reactive-energy' | 'voltage' | 'current';

const FIXED_UNITS: Record<Exclude<FieldKind, 'id' | 'power'>, string> = {
  energy: 'kWh',
  'reactive-energy': 'kvarh',
  voltage: 'V',
  current: 'A',
};

/** Field names (with their aliases) → OBIS code and kind. */
const FIELD_TABLE: readonly (readonly [names: readonly string[], obis: string, kind: FieldKind])[] = [
  [['SMid'], '0-0:96.1.0', 'id'],
  [['Pi'], '1-0:1.7.0', 'power'],
  [['Po'], '1-0:2.7.0', 'power'],
  [['Pi1', 'P1i'], '1-0:21.7.0', 'power'],
  [['Pi2', 'P2i'], '1-0:41.7.0', 'power'],
  [['Pi3', 'P3i'], '1-0:61.7.0', 'power'],
  [['Po1', 'P1o'], '1-0:22.7.0', 'power'],
  [['Po2', 'P2o'], '1-0:42.7.0', 'power'],
  [['Po3', 'P3o'], '1-0:62.7.0', 'power'],
  [['Ei'], '1-0:1.8.0', 'energy'],
  [['Ei1'], '1-0:1.8.1', 'energy'],
  [['Ei2'], '1-0:1.8.2', 'energy'],
  [['Eo'], '1-0:2.8.0', 'energy'],
  [['Eo1'], '1-0:2.8.1', 'energy'],
  [['Eo2'], '1-0:2.8.2', 'energy'],
  [['U1', 'V1'], '1-0:32.7.0', 'voltage'],
  [['U2', 'V2'], '1-0:52.7.0', 'voltage'],
  [['U3', 'V3'], '1-0:72.7.0', 'voltage'],
  [['I1'], '1-0:31.7.0', 'current'],
  [['I2'], '1-0:51.7.0', 'current'],
  [['I3'], '1-0:71.7.0', 'current'],
  // Reactive energy per quadrant (Q5 = C 5: +Ri QI, Q6 +Rc QII, Q7 −Ri QIII, Q8 −Rc QIV), total and per tariff.
  ...[5, 6, 7, 8].flatMap((c) =>
    [0, 1, 2].map(
      (tariff) => [[tariff ? `Q${c}${tariff}` : `Q${c}`], `1-0:${c}.8.${tariff}`, 'reactive-energy'] as const,
    ),
  ),
];

export const TASMOTA_FIELDS: ReadonlyMap<string, { obis: string; kind: FieldKind }> = new Map(
  FIELD_TABLE.flatMap(([names, obis, kind]) => names.map((name) => [name, { obis, kind }] as const)),
);

const DEFAULT_PREFIX = 'tele';
const DEFAULT_SENSOR_KEY = 'z';
/** Tasmota counts from 1970 until NTP has set its clock; such a "Time" is not a reading's time. */
const CLOCK_SET_AFTER = Date.UTC(2001, 0, 1) / 1000;

export function tasmotaFilters(options: TasmotaOptions = {}): string[] {
  const devices = options.devices?.length ? options.devices : ['+'];
  return devices.map((device) => `${options.prefix ?? DEFAULT_PREFIX}/${device}/SENSOR`);
}

/** The device topic of `<prefix>/<device>/SENSOR`, or undefined when the topic is not a configured device's. */
function deviceOf(topic: string, options: TasmotaOptions): string | undefined {
  const head = `${options.prefix ?? DEFAULT_PREFIX}/`;
  if (!topic.startsWith(head) || !topic.endsWith('/SENSOR')) return undefined;
  const device = topic.slice(head.length, -'/SENSOR'.length);
  if (device === '' || device.includes('/')) return undefined;
  return !options.devices?.length || options.devices.includes(device) ? device : undefined;
}

function powerUnit(text: string | undefined, option: TasmotaOptions['powerUnit']): string {
  if (option === 'W' || option === 'kW') return option;
  return text !== undefined && /[.eE]/.test(text) ? 'kW' : 'W';
}

export function convertTasmota(topic: string, payload: Uint8Array, options: TasmotaOptions = {}): ConvertResult {
  const device = deviceOf(topic, options);
  if (device === undefined) return null;
  const meterId = (serial?: string): string => options.meterIds?.resolve(device, serial) ?? serial ?? device;
  const fail = (message: string): ConvertResult => ({ error: decodeError('syntax', message), meterId: meterId() });
  const parsed = parseJsonPayload(payload);
  if ('error' in parsed) return { error: parsed.error, meterId: meterId() };
  const root = parsed.json;
  if (!isRecord(root)) return fail(`the SENSOR payload is ${typeName(root)}, expected a JSON object`);
  const key = options.sensorKey ?? DEFAULT_SENSOR_KEY;
  const sensor = root[key];
  // Other Tasmota devices (plugs, thermometers) publish SENSOR too: without the meter's key it is not ours.
  if (sensor === undefined) return null;
  if (!isRecord(sensor)) return fail(`"${key}" is ${typeName(sensor)}, expected an object of meter fields`);

  const texts = (options.powerUnit ?? 'auto') === 'auto' ? memberNumberTexts(parsed.text, key) : undefined;
  const values: ObisValue[] = [];
  let serial: string | undefined;
  for (const [name, raw] of Object.entries(sensor)) {
    const field = TASMOTA_FIELDS.get(name);
    if (!field) continue; // script-specific extras (timestamps, counters) have no OBIS meaning here
    if (field.kind === 'id') {
      if (typeof raw !== 'string' && typeof raw !== 'number')
        return fail(`"${key}.${name}" is ${typeName(raw)}, expected the meter ID`);
      const text = String(raw).trim();
      serial = text || undefined;
      values.push({ obis: field.obis, value: text, unit: null });
    } else {
      if (typeof raw !== 'number' || !Number.isFinite(raw))
        return fail(`"${key}.${name}" is ${typeName(raw)}, expected a number`);
      const unit = field.kind === 'power' ? powerUnit(texts?.get(name), options.powerUnit) : FIXED_UNITS[field.kind];
      values.push({ obis: field.obis, value: raw, unit });
    }
  }

  const time = root.Time;
  if (time !== undefined && typeof time !== 'string') return fail(`"Time" is ${typeName(time)}, expected a date-time`);
  const timestamp = time === undefined ? undefined : parseIsoDateTime(time, options.timeZone ?? systemTimeZone());
  if (time !== undefined && timestamp === undefined)
    return fail(`"Time" is "${time.slice(0, 40)}", expected a date-time such as 2024-05-01T12:00:05`);
  return {
    protocol: 'mqtt',
    meterId: meterId(serial),
    ...(timestamp !== undefined && timestamp >= CLOCK_SET_AFTER ? { timestamp } : {}),
    values,
    info: { transport: 'tasmota', device },
  };
}
