/**
 * Home Assistant MQTT discovery, device-based (HA 2024.11+): one retained message on
 * `<prefix>/device/<node>/config` declares the meter as a device and every reading as a sensor component reading our
 * value topic. Sensors are available only while both the bridge and the meter are online. Energy, gas and water
 * sensors carry the device and state classes the Energy dashboard expects, so it works without editing.
 */
import type { Reading } from './harmonize.ts';
import type { MeterInfoPayload } from './payloads.ts';
import { QUANTITIES } from './quantities.ts';
import { baseTopicError, meterTopicId, profileTopics } from './topics.ts';

export const DEFAULT_DISCOVERY_PREFIX = 'homeassistant';

export interface HaOrigin {
  name: string;
  sw?: string;
  url?: string;
}

export interface HaSensorComponent {
  p: 'sensor';
  name: string;
  unique_id: string;
  state_topic: string;
  value_template: string;
  state_class: string;
  device_class?: string;
  unit_of_measurement?: string;
  suggested_display_precision: number;
}

export interface HaDeviceDiscovery {
  dev: { ids: string[]; name: string; mf?: string; mdl?: string; sn: string };
  o: HaOrigin;
  availability: { topic: string }[];
  availability_mode: 'all';
  qos: 0;
  cmps: Record<string, HaSensorComponent>;
}

export interface HaDiscoveryOptions {
  origin: HaOrigin;
  baseTopic?: string;
  discoveryPrefix?: string;
  /** The user's alias: the device's name and its topics, never its identity (unique ids keep the meter's own ID). */
  alias?: string;
}

/** HA spells cubic metres with a superscript and validates units per device class. */
const HA_UNITS: Readonly<Record<string, string>> = { m3: 'm³', 'm3/h': 'm³/h' };
const byId = new Map(QUANTITIES.map((q) => [q.id, q]));

/**
 * The device's node id: the base topic and the meter's own ID, so that two bridges with their own base topics on one
 * broker keep their devices apart, and an alias (which changes topics only) keeps the entities and their history.
 * The default base gives `smartmeter_<id>`, the node id of earlier versions.
 */
export function haNodeId(meterId: string, baseTopic: string = profileTopics().base): string {
  return `${meterTopicId(baseTopic)}_${meterTopicId(meterId)}`;
}

/**
 * The discovery message for one meter and the readings it has shown so far (publish again when new quantities
 * appear, and when HA announces `online` on `<prefix>/status`). Remove the device by publishing an empty retained
 * payload to the same topic. Throws a TypeError for an unusable base topic or discovery prefix (configuration).
 */
export function haDeviceDiscovery(
  meter: MeterInfoPayload,
  readings: readonly Reading[],
  options: HaDiscoveryOptions,
): { topic: string; payload: HaDeviceDiscovery } {
  const prefix = options.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX;
  const prefixError = baseTopicError(prefix);
  if (prefixError) throw new TypeError(prefixError.replace('base topic', 'discovery prefix'));
  const topics = profileTopics(options.baseTopic);
  const meterTopics = topics.meter(options.alias ?? meter.meterId);
  const node = haNodeId(meter.meterId, topics.base);
  const cmps: Record<string, HaSensorComponent> = {};
  for (const reading of readings) {
    const quantity = byId.get(reading.quantity);
    if (!quantity) continue;
    const key = reading.topic.slice(reading.topic.lastIndexOf('/') + 1);
    const channel = key.slice(quantity.id.length + 1);
    const component: HaSensorComponent = {
      p: 'sensor',
      name: channel ? `${quantity.label} (channel ${channel})` : quantity.label,
      unique_id: `${node}_${key}`,
      state_topic: meterTopics.value(reading.topic),
      value_template: '{{ value_json.value }}',
      state_class: quantity.ha.stateClass,
      suggested_display_precision: quantity.ha.precision,
    };
    if (quantity.ha.deviceClass) component.device_class = quantity.ha.deviceClass;
    if (quantity.unit) component.unit_of_measurement = HA_UNITS[quantity.unit] ?? quantity.unit;
    cmps[key] = component;
  }
  const model = [meter.manufacturer, meter.model].filter(Boolean).join(' ') || 'Smart meter';
  const name = options.alias ?? `${model} ${meter.meterId}`;
  const dev: HaDeviceDiscovery['dev'] = { ids: [node], name, sn: meter.meterId };
  if (meter.manufacturer) dev.mf = meter.manufacturer;
  if (meter.model) dev.mdl = meter.model;
  return {
    topic: `${prefix}/device/${node}/config`,
    payload: {
      dev,
      o: options.origin,
      availability: [{ topic: topics.bridgeStatus }, { topic: meterTopics.status }],
      availability_mode: 'all',
      qos: 0,
      cmps,
    },
  };
}
