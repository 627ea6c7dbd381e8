/** The contract every raw-MQTT gateway converter keeps: one MQTT message in, OBIS values, "not mine" or a typed error out. */
import type { DecodeError, ObisMessage } from '../protocols/types.ts';

export type GatewayKind = 'tasmota' | 'datacollector' | 'rl-dsp';

/** A message on the converter's topic that it cannot read; `meterId` is the device the topic names. */
export interface ConvertError {
  error: DecodeError;
  meterId: string;
}

/** The message read into OBIS terms, null when the topic (or payload shape) belongs to someone else, or an error. */
export type ConvertResult = ObisMessage | null | ConvertError;
