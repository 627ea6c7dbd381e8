/**
 * Home Assistant discovery in translate mode: one retained `<prefix>/device/<node>/config` per meter, whichever
 * instance saw the meter. Every instance reads the discovery topics of this base's meters (retained at start, then
 * live: they change only when a meter shows new quantities, so this costs nothing per reading) and announces a meter
 * only when a reading shows a component that the retained topic, as last read, lacks. What it announces is that topic's
 * components plus the reading's, so an instance that saw only some of a meter's quantities (a gPlug's power-only
 * message, one datacollector value) never takes sensors away. Two instances announcing the same new meter at once
 * can overwrite each other's components; every instance then reads the topic as it stands, and the next reading that
 * shows a missing component announces it again.
 *
 * Availability is the meter's status only: `<base>/bridge/status` has no single owner among N instances.
 */
import { z } from 'zod';
import {
  haDeviceDiscovery,
  haNodeId,
  meterTopicId,
  type HaSensorComponent,
  type MeterInfoPayload,
  type Reading,
} from '../../../shared/profile/index.ts';
import { readRetainedJson } from './retained-json.ts';

export interface HaAnnouncerOptions {
  baseTopic: string;
  prefix: string;
  version: string;
  /** Meters remembered at most; beyond it the one announced least recently is forgotten. */
  maxMeters?: number;
}

/** Components are published again by other instances: only what the bridge itself writes is taken. */
const component = z.object({
  p: z.literal('sensor'),
  name: z.string(),
  unique_id: z.string(),
  state_topic: z.string(),
  value_template: z.string(),
  state_class: z.string(),
  device_class: z.string().optional(),
  unit_of_measurement: z.string().optional(),
  suggested_display_precision: z.number(),
}) satisfies z.ZodType<HaSensorComponent>;
const discoveryPayload = z.object({ cmps: z.record(z.string(), component) });

export class HaAnnouncer {
  /** The discovery topics of every device of this base topic. */
  readonly filter: string;
  /** Per node id: the components its retained discovery topic holds, as last read or sent. */
  private readonly announced = new Map<string, Record<string, HaSensorComponent>>();
  private readonly nodePrefix: string;
  private readonly topicPrefix: string;

  constructor(private readonly options: HaAnnouncerOptions) {
    this.filter = `${options.prefix}/device/+/config`;
    this.topicPrefix = `${options.prefix}/device/`;
    this.nodePrefix = `${meterTopicId(options.baseTopic)}_`;
  }

  /** Learns what an instance (this one too) announced; false when the topic is not one of this base's devices. */
  learn(topic: string, payload: Buffer): boolean {
    if (!topic.startsWith(this.topicPrefix) || !topic.endsWith('/config')) return false;
    const node = topic.slice(this.topicPrefix.length, -'/config'.length);
    if (!node.startsWith(this.nodePrefix) || node.includes('/')) return false;
    if (payload.length === 0) {
      this.announced.delete(node); // removed by the user: announced again by the next reading
      return true;
    }
    const discovery = readRetainedJson(discoveryPayload, payload);
    if (discovery) this.remember(node, discovery.cmps);
    return true;
  }

  /** The discovery message to publish for this reading, or undefined when every component is announced already. */
  announce(info: MeterInfoPayload, readings: readonly Reading[]): { topic: string; payload: string } | undefined {
    const node = haNodeId(info.meterId, this.options.baseTopic);
    const known = this.announced.get(node) ?? {};
    const { topic, payload } = haDeviceDiscovery(info, readings, {
      origin: { name: 'Smartmeter Bridge', sw: this.options.version },
      baseTopic: this.options.baseTopic,
      discoveryPrefix: this.options.prefix,
    });
    if (Object.keys(payload.cmps).every((key) => key in known)) return undefined;
    payload.cmps = { ...known, ...payload.cmps };
    payload.availability = payload.availability.slice(-1); // the meter's status (see above)
    this.remember(node, payload.cmps);
    return { topic, payload: JSON.stringify(payload) };
  }

  private remember(node: string, cmps: Record<string, HaSensorComponent>): void {
    this.announced.delete(node);
    if (this.announced.size >= (this.options.maxMeters ?? 100_000))
      this.announced.delete(this.announced.keys().next().value!);
    this.announced.set(node, cmps);
  }
}
