/**
 * One line of `smartmeter-bridge decode` output: the decoded message as the meter stated it, plus the harmonized
 * profile readings with the MQTT topics the bridge would publish them on (default base topic).
 */
import { harmonize, profileTopics } from './profile/index.ts';
import type { DecodeError, DecodeOutput, MbusDevice, MeterInfo, MbusRecord, ObisValue } from './protocols/types.ts';

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
    }
  | { error: DecodeError };

const topics = profileTopics();

export function toDecodeLine(output: DecodeOutput): DecodeLine {
  if (!output.ok) return { error: output.error };
  const m = output.message;
  const meter = topics.meter(m.meterId);
  const readings = harmonize(m).map(({ topic, ...rest }) => ({ topic: meter.value(topic), ...rest }));
  return {
    protocol: m.protocol,
    meterId: m.meterId,
    timestamp: m.timestamp,
    ...(m.protocol === 'mbus' ? { device: m.device } : {}),
    info: m.info,
    values: m.values,
    readings,
  };
}
