/**
 * One MQTT message on the discovery subscriptions → what it says about a gateway device or a meter stream.
 *
 * Tasmota (default FullTopic `%prefix%/%topic%/`): retained `tasmota/discovery/<MAC>/config|sensors`,
 * `tele/<topic>/LWT|INFO1|INFO2|INFO3|STATE|SENSOR`. Meter streams: a Tasmota SENSOR carrying a meter object,
 * smartmeter-datacollector's `<rawPrefix>/<id…>/<NAME>` and RL-DSP's `dt/<group>/<id>/ds`, each read with its own
 * converter from shared/sources so discovery lists exactly what "translate" will read.
 *
 * The bridge's own output is never listed: the caller drops messages with the MQTT 5 origin property, and the topic
 * rules of the loop guard (lower-case profile levels, the configured RL-DSP output group) hold for MQTT 3.1.1.
 */
import { parseJsonPayload } from '../sources/json.ts';
import { isOwnTopic, type LoopGuardOptions } from '../sources/loop-guard.ts';
import { convertDatacollector, datacollectorFilters, datacollectorTopic } from '../sources/datacollector.ts';
import { convertRlDsp, rlDspFilters, rlDspTopic } from '../sources/rl-dsp.ts';
import type { GatewayKind } from '../sources/types.ts';
import { findMeterObject } from './meter-object.ts';
import { readDiscoveryConfig, readDiscoverySensors, readInfo } from './tasmota-payloads.ts';
import { clip, normalizeMac } from './text.ts';
import type { DeviceFacts } from './types.ts';

export interface BrokerDiscoveryOptions {
  /** Tasmota's telemetry prefix (Prefix3); `tele`. */
  telePrefix?: string;
  /** Tasmota's discovery tree; `tasmota/discovery`. */
  discoveryPrefix?: string;
  /** Where smartmeter-datacollector publishes; `smartmeter` like the profile by default (see the loop guard). */
  rawPrefix?: string;
  /** What the bridge publishes itself. */
  guard: LoopGuardOptions;
}

export interface MeterStream {
  kind: GatewayKind;
  meterId: string;
  selector: string;
  topic: string;
  fields: string[];
}

export type BrokerFinding = { device?: DeviceFacts; meter?: MeterStream } | { invalid: string } | { own: true } | null;

const TELE_NAMES = new Set(['LWT', 'INFO1', 'INFO2', 'INFO3', 'STATE', 'SENSOR']);

/** The subscriptions that see everything readBrokerMessage understands. */
export function discoveryFilters(options: BrokerDiscoveryOptions): string[] {
  const tele = options.telePrefix ?? 'tele';
  const disc = options.discoveryPrefix ?? 'tasmota/discovery';
  return [
    `${disc}/+/config`,
    `${disc}/+/sensors`,
    ...[...TELE_NAMES].map((name) => `${tele}/+/${name}`),
    // The translator's own filters: discovery sees exactly the topics "translate" will read.
    ...datacollectorFilters({ base: options.rawPrefix ?? 'smartmeter' }),
    ...rlDspFilters(),
  ];
}

const decoder = new TextDecoder();

function tasmotaDiscovery(rest: string, payload: Uint8Array): BrokerFinding {
  const [macText, kind, extra] = rest.split('/');
  if (extra !== undefined || (kind !== 'config' && kind !== 'sensors')) return null;
  const parsed = parseJsonPayload(payload);
  if ('error' in parsed) return { invalid: parsed.error.message };
  const mac = normalizeMac(macText ?? '');
  const facts = kind === 'config' ? readDiscoveryConfig(parsed.json, mac) : readDiscoverySensors(parsed.json, mac);
  return facts ? { device: facts } : { invalid: `tasmota/discovery/…/${kind} is not a Tasmota discovery message` };
}

function tasmotaTele(mqttTopic: string, topic: string, name: string, payload: Uint8Array): BrokerFinding {
  if (name === 'LWT') {
    const state = decoder.decode(payload.subarray(0, 16)).trim().toLowerCase();
    return state === 'online' || state === 'offline' ? { device: { topic, online: state === 'online' } } : null;
  }
  const parsed = parseJsonPayload(payload);
  if ('error' in parsed) return { invalid: parsed.error.message };
  if (name === 'STATE') return { device: { topic } };
  if (name !== 'SENSOR') {
    const info = readInfo(parsed.json, Number(name.slice(4)) as 1 | 2 | 3);
    return info ? { device: { ...info, topic } } : { invalid: `${name} is not a Tasmota INFO message` };
  }
  const meter = findMeterObject(parsed.json);
  if (!meter) return { device: { topic } };
  return {
    device: { topic, meter },
    meter: {
      kind: 'tasmota',
      meterId: meter.meterSerial ?? topic,
      selector: topic,
      topic: mqttTopic,
      fields: meter.fields,
    },
  };
}

function meterStream(topic: string, payload: Uint8Array, rawPrefix: string): BrokerFinding {
  const collector = datacollectorTopic(topic, rawPrefix);
  if (collector) {
    const result = convertDatacollector(topic, payload, { base: rawPrefix });
    if (result && 'error' in result) return { invalid: result.error.message };
    const id = clip(collector.meterId);
    return { meter: { kind: 'datacollector', meterId: id, selector: id, topic, fields: [collector.name] } };
  }
  const rlDsp = rlDspTopic(topic);
  if (!rlDsp) return null;
  const result = convertRlDsp(topic, payload);
  if (result === null) return null;
  if ('error' in result) return { invalid: result.error.message };
  const fields = result.values.flatMap((value) => (value.obis === null ? [] : [value.obis]));
  return { meter: { kind: 'rl-dsp', meterId: clip(rlDsp.meterId), selector: clip(rlDsp.group), topic, fields } };
}

/** What one message found; never throws, whatever the payload. */
export function readBrokerMessage(topic: string, payload: Uint8Array, options: BrokerDiscoveryOptions): BrokerFinding {
  if (isOwnTopic(topic, options.guard)) return { own: true };
  const disc = `${options.discoveryPrefix ?? 'tasmota/discovery'}/`;
  if (topic.startsWith(disc)) return tasmotaDiscovery(topic.slice(disc.length), payload);
  const tele = `${options.telePrefix ?? 'tele'}/`;
  if (topic.startsWith(tele)) {
    const parts = topic.slice(tele.length).split('/');
    if (parts.length === 2 && parts[0] !== '' && TELE_NAMES.has(parts[1]!)) {
      return tasmotaTele(topic, clip(parts[0]!), parts[1]!, payload);
    }
  }
  return meterStream(topic, payload, options.rawPrefix ?? 'smartmeter');
}
