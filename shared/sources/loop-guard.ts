/**
 * The bridge never reads its own output back in, even when gateways and the profile share one broker.
 *
 * First line: an MQTT 5 user property. Everything the bridge publishes should carry ORIGIN_PROPERTY, and a message
 * carrying it is never translated (whichever bridge instance sent it: a profile message is no gateway's input).
 * Fallback for MQTT 3.1.1 brokers and publishers that cannot set properties: topic rules.
 * - `<base>/...` is the profile's tree, except a topic whose last level is an UPPER_SNAKE NAME: with the default base
 *   `smartmeter` that is smartmeter-datacollector's (`<base>/<id>/<NAME>`, the id possibly a serial port path of
 *   several levels), and the profile never publishes it (its last levels are lower-case: `bridge/status`,
 *   `<id>/state|info|status`, `<id>/<group>/<quantity>`).
 * - `dt/<group>/+/ds` is the bridge's own RL-DSP output when that output is on; RL-DSP input from a gateway must then
 *   use another group (or carry no origin property, on an MQTT 5 broker, to be told apart).
 */
import { meterTopicId } from '../profile/topics.ts';
import { DATACOLLECTOR_NAME } from './datacollector.ts';

/** MQTT 5 user property the bridge puts on every message it publishes; its value names the bridge instance. */
export const ORIGIN_PROPERTY = 'smartmeter-bridge-origin';

export interface LoopGuardOptions {
  /** The profile's base topic, e.g. `smartmeter`. */
  baseTopic: string;
  /** The RL-DSP output's `<group>` as configured, when the bridge publishes RL-DSP; absent when it does not. */
  rlDspGroup?: string;
}

/** True when `topic` is one the bridge itself publishes (by the topic rules above). */
export function isOwnTopic(topic: string, options: LoopGuardOptions): boolean {
  const base = options.baseTopic;
  if (topic.startsWith(base) && topic[base.length] === '/') {
    const cut = topic.lastIndexOf('/');
    const datacollectorShaped = cut > base.length && DATACOLLECTOR_NAME.test(topic.slice(cut + 1));
    return !datacollectorShaped;
  }
  if (options.rlDspGroup !== undefined) {
    const parts = topic.split('/');
    return (
      parts.length === 4 && parts[0] === 'dt' && parts[1] === meterTopicId(options.rlDspGroup) && parts[3] === 'ds'
    );
  }
  return false;
}

/** True when MQTT 5 user properties say the bridge published the message. */
export function hasOwnOrigin(userProperties: Readonly<Record<string, string | string[]>> | undefined): boolean {
  return userProperties !== undefined && Object.prototype.hasOwnProperty.call(userProperties, ORIGIN_PROPERTY);
}
