/** The harmonized MQTT profile v1: quantity table, harmonizer, topics, payloads, Home Assistant discovery, RL-DSP. */
export { harmonize, TARIFF_QUANTITIES, type Reading } from './harmonize.ts';
export {
  QUANTITIES,
  SIGNED_POWER,
  MEDIA,
  DSMR_SUBMETER,
  type Quantity,
  type Medium,
  type HaSensorClass,
} from './quantities.ts';
export { PROFILE_UNITS, toProfileUnit, roundValue, type ProfileUnit } from './units.ts';
export {
  DEFAULT_BASE_TOPIC,
  PUBLISH_OPTIONS,
  meterTopicId,
  baseTopicError,
  profileTopics,
  type MeterTopics,
  type ProfileTopics,
} from './topics.ts';
export {
  PROFILE_VERSION,
  valuePayload,
  statePayload,
  meterInfoPayload,
  bridgeInfoPayload,
  type ValuePayload,
  type StatePayload,
  type MeterInfoPayload,
  type BridgeInfoPayload,
  type StatusPayload,
} from './payloads.ts';
export {
  DEFAULT_DISCOVERY_PREFIX,
  haDeviceDiscovery,
  haNodeId,
  type HaDeviceDiscovery,
  type HaDiscoveryOptions,
  type HaOrigin,
  type HaSensorComponent,
} from './home-assistant.ts';
export { rlDspMessage, type RlDspOptions, type RlDspPayload } from './rl-dsp.ts';
