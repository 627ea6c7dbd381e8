/**
 * Optional output: the Swiss VSE "RL-DSP CH2024" bundle, `dt/<group>/<meterId>/ds` with
 * `{"meter":{"ts":"<ISO UTC>","1.7.0":…,"1.8.0":…}}`: one object per message, electricity values keyed by their OBIS
 * `C.D.E`. The published document was not available to check against; the defaults follow the one public
 * implementation, the `mqttrldsp` sink of smartmeter-datacollector: register units after scaling (W, Wh, var, varh)
 * and `ts` with `+00:00`. `kilo` publishes kW, kWh, … for consumers written against earlier versions of the bridge.
 */
import type { Reading } from './harmonize.ts';
import { QUANTITIES } from './quantities.ts';
import { meterTopicId } from './topics.ts';
import { roundValue } from './units.ts';

export type RlDspScale = 'base' | 'kilo';

export interface RlDspOptions {
  /** The `<group>` topic level, e.g. the installation or the operator; sanitised like a meter ID. */
  group: string;
  /** `base` (default): the profile units W, Wh, var, varh, VA, VAh. `kilo`: kW, kWh, …, as the meter's display. */
  scale?: RlDspScale;
}

export interface RlDspPayload {
  meter: { ts: string } & Record<string, number | string>;
}

const KILO_UNITS = new Set(['W', 'Wh', 'var', 'varh', 'VA', 'VAh']);
/** Electricity quantities by id, with the OBIS code that keys them (the row's canonical code). */
const obisKey = new Map(QUANTITIES.flatMap((q) => (q.medium === 'electricity' && q.obis ? [[q.id, q.obis[0]!]] : [])));

/** The largest time a JavaScript Date can hold, in seconds. */
const MAX_DATE_SECONDS = 8.64e12;

/** ISO 8601 in UTC with whole seconds and the offset written out, e.g. `2024-05-01T12:00:05+00:00`. */
function isoSeconds(unixSeconds: number): string {
  return new Date(Math.floor(unixSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/u, '+00:00');
}

/**
 * The bundle for one message's readings, stamped with the meter clock (`receivedAt`, the bridge's clock, when the
 * message has none or an impossible one). Sub-meter and heat readings are not part of it.
 */
export function rlDspMessage(
  meterId: string | undefined,
  readings: readonly Reading[],
  messageTimestamp: number | undefined,
  receivedAt: number,
  options: RlDspOptions,
): { topic: string; payload: RlDspPayload } {
  const usable = messageTimestamp !== undefined && Math.abs(messageTimestamp) <= MAX_DATE_SECONDS;
  const meter: RlDspPayload['meter'] = { ts: isoSeconds(usable ? messageTimestamp : receivedAt) };
  const kilo = options.scale === 'kilo';
  for (const reading of readings) {
    const key = obisKey.get(reading.quantity);
    if (key === undefined) continue;
    meter[key] = kilo && KILO_UNITS.has(reading.unit) ? roundValue(reading.value / 1000) : reading.value;
  }
  return { topic: `dt/${meterTopicId(options.group)}/${meterTopicId(meterId)}/ds`, payload: { meter } };
}
