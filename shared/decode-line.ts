/**
 * One line of `smartmeter-bridge decode` output: the decoded message as the meter stated it, plus the harmonized
 * profile readings with the MQTT topics the bridge would publish them on (default base topic).
 */
import { harmonize, profileTopics } from './profile/index.ts';
import {
  type DecodeError,
  type DecodeOutput,
  isMbusMessage,
  type MbusDevice,
  type MeterInfo,
  type MbusRecord,
  type ObisValue,
} from './protocols/types.ts';

export interface DecodeLineReading {
  topic: string;
  quantity: string;
  value: number;
  unit: string;
  obis?: string;
  timestamp?: number;
}

export type DecodeLine =
  | {
      protocol: string;
      meterId?: string;
      timestamp?: number;
      device?: MbusDevice;
      info: MeterInfo;
      values: (ObisValue | MbusRecord)[];
      readings: DecodeLineReading[];
      /** Values the meter sent as NaN or ±Infinity, with `value` as that word; absent when there are none. */
      invalid?: (ObisValue | MbusRecord)[];
    }
  | { error: DecodeError };

const topics = profileTopics();

export function toDecodeLine(output: DecodeOutput): DecodeLine {
  if (!output.ok) return { error: output.error };
  const m = output.message;
  const meter = topics.meter(m.meterId);
  const readings = harmonize(m).map(({ topic, ...rest }) => ({ topic: meter.value(topic), ...rest }));
  // JSON has no NaN or Infinity (it would print null): such a value is no value, listed apart with its word.
  const finite = (v: ObisValue | MbusRecord) => typeof v.value !== 'number' || Number.isFinite(v.value);
  const invalid = m.values.filter((v) => !finite(v)).map((v) => ({ ...v, value: String(v.value) }));
  return {
    protocol: m.protocol,
    meterId: m.meterId,
    timestamp: m.timestamp,
    ...(isMbusMessage(m) ? { device: m.device } : {}),
    info: m.info,
    values: invalid.length ? m.values.filter(finite) : m.values,
    readings,
    ...(invalid.length ? { invalid } : {}),
  };
}
