/**
 * Payloads of the profile's topics, as plain objects (JSON.stringify them; key order is fixed by construction).
 * Missing values are never published as null: a quantity the message does not carry is simply absent.
 */
import { type DecodedMessage, isMbusMessage } from '../protocols/types.ts';
import type { Reading } from './harmonize.ts';

/**
 * `major.minor`. Additive changes (a new quantity, a new optional field) raise the minor version; renaming or removing
 * a topic or field, or changing a unit, raises the major version. Consumers read `profile` from the bridge or meter info
 * and should accept any minor version of the major version they were written for.
 */
export const PROFILE_VERSION = '1.0';

export type StatusPayload = 'online' | 'offline';

/** `<base>/<meterId>/<group>/<quantity>`: the plug-test payload `{timestamp, value}` plus unit and source register. */
export interface ValuePayload {
  timestamp: number;
  value: number;
  unit: string;
  obis?: string;
}

/** Whole Unix seconds: the reading's own time, else `receivedAt` (when the bridge read the message). */
function seconds(timestamp: number | undefined, receivedAt: number): number {
  return Math.floor(timestamp ?? receivedAt);
}

export function valuePayload(reading: Reading, receivedAt: number): ValuePayload {
  const payload: ValuePayload = {
    timestamp: seconds(reading.timestamp, receivedAt),
    value: reading.value,
    unit: reading.unit,
  };
  if (reading.obis !== undefined) payload.obis = reading.obis;
  return payload;
}

/** `<base>/<meterId>/state`: one message's readings, keyed by the last level of their topic. */
export interface StatePayload {
  profile: string;
  /** The message time: the meter clock, else when the bridge read it. */
  timestamp: number;
  readings: Record<string, ValuePayload>;
}

export function statePayload(
  readings: readonly Reading[],
  messageTimestamp: number | undefined,
  receivedAt: number,
): StatePayload {
  const timestamp = seconds(messageTimestamp, receivedAt);
  const entries = readings.map(
    (r) => [r.topic.slice(r.topic.lastIndexOf('/') + 1), valuePayload(r, timestamp)] as const,
  );
  return { profile: PROFILE_VERSION, timestamp, readings: Object.fromEntries(entries) };
}

/** `<base>/<meterId>/info` (retained): who the meter is and how the bridge reads it. */
export interface MeterInfoPayload {
  profile: string;
  /** The meter ID as the meter sends it; the topic level is its sanitised form. */
  meterId: string;
  /** `dsmr`, `dlms`, `mbus`, or `mqtt` when a gateway's MQTT messages are the source. */
  protocol: DecodedMessage['protocol'];
  manufacturer?: string;
  model?: string;
  /** The link: `p1`, `hdlc`, `mbus`, or how a source adapter received it (`mqtt`). */
  interface?: string;
  /** Where the bytes come from, e.g. `serial:/dev/ttyUSB0` or `tcp:192.0.2.10:8088`; never credentials. */
  source?: string;
}

export function meterInfoPayload(
  message: DecodedMessage,
  context: { interface?: string; source?: string } = {},
): MeterInfoPayload {
  const info = message.info;
  const manufacturer = info.manufacturer ?? (isMbusMessage(message) ? message.device.manufacturer : undefined);
  const payload: MeterInfoPayload = {
    profile: PROFILE_VERSION,
    meterId: message.meterId ?? '',
    protocol: message.protocol,
  };
  if (manufacturer) payload.manufacturer = manufacturer;
  if (info.model) payload.model = info.model;
  const link = context.interface ?? info.transport;
  if (link) payload.interface = link;
  if (context.source) payload.source = context.source;
  return payload;
}

/** `<base>/bridge/info` (retained): the bridge itself and the meters it currently publishes. */
export interface BridgeInfoPayload {
  profile: string;
  name: string;
  version: string;
  /** Sanitised meter IDs, i.e. the topic levels under the base topic. */
  meters: string[];
}

export function bridgeInfoPayload(version: string, meterTopicIds: readonly string[]): BridgeInfoPayload {
  return { profile: PROFILE_VERSION, name: 'Smartmeter Bridge', version, meters: [...new Set(meterTopicIds)].sort() };
}
