/**
 * The meter object in a Tasmota SENSOR payload (also `StatusSNS` of Status 0 and `sn` of tasmota/discovery/…/sensors).
 * Plugs and thermometers publish SENSOR too, so an object counts as a meter only when it is the gPlug's `z`, carries a
 * gPlug field name (shared/sources/tasmota.ts), or has a number under an energy-like name as SML and P1 scripts use
 * (`Total_in`, `Power_curr`, `E_in`, ...). `ENERGY` is Tasmota's own power monitoring of plugs (Sonoff POW and the
 * like), not a meter's interface, and is left out.
 */
import { isRecord } from '../sources/json.ts';
import { TASMOTA_FIELDS } from '../sources/tasmota.ts';
import type { MeterObject } from './types.ts';
import { clip } from './text.ts';

/** Field names kept per meter; a hostile payload cannot make the list grow. */
export const MAX_FIELDS = 64;
const GPLUG_KEY = 'z';
const ENERGY_LIKE = /total|power|energy|^e_?(in|out)|bezug|einspeis|verbrauch|lieferung/i;
const SERIAL_FIELD = 'SMid';
const PLUG_ENERGY_KEY = 'ENERGY';

function looksLikeMeter(key: string, value: Record<string, unknown>): boolean {
  if (key === GPLUG_KEY) return true;
  if (key === PLUG_ENERGY_KEY) return false;
  return Object.entries(value).some(
    ([name, field]) => TASMOTA_FIELDS.has(name) || (typeof field === 'number' && ENERGY_LIKE.test(name)),
  );
}

/** The first meter object in a SENSOR-shaped JSON value, or undefined. */
export function findMeterObject(sensor: unknown): MeterObject | undefined {
  if (!isRecord(sensor)) return undefined;
  const entries = Object.entries(sensor).filter((entry): entry is [string, Record<string, unknown>] =>
    isRecord(entry[1]),
  );
  const found =
    entries.find(([key]) => key === GPLUG_KEY) ?? entries.find(([key, value]) => looksLikeMeter(key, value));
  if (!found) return undefined;
  const [key, value] = found;
  const serial = value[SERIAL_FIELD];
  const meterSerial =
    typeof serial === 'string' || typeof serial === 'number' ? clip(String(serial).trim()) : undefined;
  return {
    key: clip(key),
    fields: Object.keys(value).slice(0, MAX_FIELDS).map(clip),
    ...(meterSerial ? { meterSerial } : {}),
  };
}
