/** The one message shape the publisher accepts: topics and payloads are decided by the profile layer, not here. */
export interface OutboundMessage {
  topic: string;
  payload: string | Uint8Array;
  qos: 0 | 1;
  retain: boolean;
}

/** MQTT's limit for a topic name (a two-byte length prefix, MQTT 3.1.1 §1.5.3 and 5.0 §1.5.4). */
const MAX_TOPIC_BYTES = 65_535;
/** MQTT's maximum packet size is 256 MiB; payloads beyond this never reach any broker. */
const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024 - 65_535 - 16;

/**
 * Why a message can never be published (a caller bug, not a broker problem): such a message is refused up front
 * instead of being queued and retried forever. Returns undefined for a publishable message.
 */
export function invalidMessageReason(message: OutboundMessage): string | undefined {
  const { topic, payload, qos, retain } = message;
  if (typeof topic !== 'string' || topic.length === 0) return 'the topic is empty';
  if (/[+#]/.test(topic)) return `the topic "${topic}" contains a wildcard (+ or #)`;
  if (topic.includes('\u0000')) return 'the topic contains a NUL character';
  if (Buffer.byteLength(topic, 'utf8') > MAX_TOPIC_BYTES) return 'the topic is longer than 65535 bytes';
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array))
    return 'the payload is neither a string nor bytes';
  if (payloadByteLength(payload) > MAX_PAYLOAD_BYTES) return 'the payload is larger than an MQTT packet can carry';
  if (qos !== 0 && qos !== 1) return `QoS ${String(qos)} is not supported (0 or 1)`;
  if (typeof retain !== 'boolean') return 'retain must be true or false';
  return undefined;
}

export function payloadByteLength(payload: string | Uint8Array): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.byteLength;
}
