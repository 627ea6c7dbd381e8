/**
 * What the bridge publishes, and when: per decoded message the value topics and the state bundle; per meter its info
 * (when it changes), its status (`online` on the first message after silence, `offline` after missed intervals), Home
 * Assistant discovery (when a meter shows new quantities, and again whenever HA restarts) and, optionally, RL-DSP.
 * Pure bookkeeping: it returns messages and never touches the network, so the rules are testable on their own.
 */
import {
  bridgeInfoPayload,
  haDeviceDiscovery,
  harmonize,
  meterInfoPayload,
  profileTopics,
  PUBLISH_OPTIONS as OPTIONS,
  rlDspMessage,
  statePayload,
  valuePayload,
  type ProfileTopics,
  type Reading,
} from '../../../shared/profile/index.ts';
import type { DecodedMessage } from '../../../shared/protocols/types.ts';
import type { OutboundMessage } from '../mqtt/outbound-message.ts';

export interface PublicationSettings {
  baseTopic: string;
  homeAssistant: { enabled: boolean; prefix: string };
  rlDsp: { enabled: boolean; group: string; scale?: 'base' | 'kilo' };
  /** A meter goes `offline` after this many of its own intervals without a message. */
  offlineAfterMissed: number;
  /** The bridge's version, for bridge info and HA's origin. */
  version: string;
}

export interface MessageContext {
  /** The configured source it came from, e.g. `serial1`: names meters that send no ID. */
  sourceId: string;
  /** Where the bytes came from, for the info topic, e.g. `serial:/dev/ttyUSB0`. */
  sourceLabel: string;
  /** The user's name for this meter: replaces the meter ID in topics. */
  alias?: string;
  /** Unix seconds when the bridge read the message. */
  receivedAt: number;
}

export interface MeterSnapshot {
  meterId: string;
  topicId: string;
  online: boolean;
  lastSeen: number;
  /** Estimated seconds between two messages of this meter. */
  interval: number;
  readings: Reading[];
  info: ReturnType<typeof meterInfoPayload>;
}

interface MeterRecord extends MeterSnapshot {
  /** The source it was last read from. */
  sourceId: string;
  infoJson: string;
  /** Quantities (relative topics) announced to Home Assistant so far. */
  announced: Set<string>;
  /** Every reading seen, latest per topic: what discovery describes. */
  known: Map<string, Reading>;
}

/** Until a second message shows the meter's pace, assume a slow one (M-Bus meters read every minute or so). */
const DEFAULT_INTERVAL = 60;

const json = (value: unknown) => JSON.stringify(value);

export class MeterPublications {
  private readonly topics: ProfileTopics;
  private readonly meters = new Map<string, MeterRecord>();
  constructor(private readonly settings: PublicationSettings) {
    this.topics = profileTopics(settings.baseTopic);
  }

  get bridgeStatusTopic(): string {
    return this.topics.bridgeStatus;
  }

  bridgeStatus(status: 'online' | 'offline'): OutboundMessage {
    return { topic: this.topics.bridgeStatus, payload: status, ...OPTIONS.bridgeStatus };
  }

  bridgeInfo(): OutboundMessage {
    const ids = [...this.meters.values()].map((m) => m.topicId);
    return {
      topic: this.topics.bridgeInfo,
      payload: json(bridgeInfoPayload(this.settings.version, ids)),
      ...OPTIONS.bridgeInfo,
    };
  }

  forMessage(message: DecodedMessage, context: MessageContext): OutboundMessage[] {
    const meterId = message.meterId ?? context.sourceId;
    const topicId = context.alias ?? meterId;
    const meterTopics = this.topics.meter(topicId);
    const readings = harmonize(message);
    const info = meterInfoPayload({ ...message, meterId }, { source: context.sourceLabel });
    const out: OutboundMessage[] = [];

    let meter = this.meters.get(meterId);
    if (!meter) {
      meter = {
        meterId,
        topicId: meterTopics.id,
        online: false,
        lastSeen: context.receivedAt,
        interval: DEFAULT_INTERVAL,
        readings,
        info,
        sourceId: context.sourceId,
        infoJson: '',
        announced: new Set(),
        known: new Map(),
      };
      this.meters.set(meterId, meter);
      out.push(this.bridgeInfo());
    } else {
      const gap = context.receivedAt - meter.lastSeen;
      if (gap > 0) meter.interval = meter.interval === DEFAULT_INTERVAL ? gap : 0.8 * meter.interval + 0.2 * gap;
    }
    meter.lastSeen = context.receivedAt;
    meter.sourceId = context.sourceId;
    meter.readings = readings;
    meter.info = info;
    for (const r of readings) meter.known.set(r.topic, r);

    const infoJson = json(info);
    if (infoJson !== meter.infoJson) {
      meter.infoJson = infoJson;
      out.push({ topic: meterTopics.info, payload: infoJson, ...OPTIONS.info });
    }
    if (!meter.online) {
      meter.online = true;
      out.push({ topic: meterTopics.status, payload: 'online', ...OPTIONS.status });
    }
    if (this.settings.homeAssistant.enabled && readings.some((r) => !meter.announced.has(r.topic)))
      out.push(this.discovery(meter));
    for (const r of readings) {
      out.push({
        topic: meterTopics.value(r.topic),
        payload: json(valuePayload(r, context.receivedAt)),
        ...OPTIONS.value,
      });
    }
    out.push({
      topic: meterTopics.state,
      payload: json(statePayload(readings, message.timestamp, context.receivedAt)),
      ...OPTIONS.state,
    });
    if (this.settings.rlDsp.enabled) {
      const rl = rlDspMessage(topicId, readings, message.timestamp, context.receivedAt, {
        group: this.settings.rlDsp.group,
        scale: this.settings.rlDsp.scale,
      });
      if (Object.keys(rl.payload.meter).length > 1)
        out.push({ topic: rl.topic, payload: json(rl.payload), ...OPTIONS.rlDsp });
    }
    return out;
  }

  /** Discovery for every meter: Home Assistant restarted and forgot them. */
  discoveryAll(): OutboundMessage[] {
    return this.settings.homeAssistant.enabled ? [...this.meters.values()].map((m) => this.discovery(m)) : [];
  }

  /** `offline` for each meter silent for longer than its allowed number of intervals. */
  expire(now: number): OutboundMessage[] {
    const out: OutboundMessage[] = [];
    for (const meter of this.meters.values()) {
      if (meter.online && now - meter.lastSeen > this.settings.offlineAfterMissed * Math.max(meter.interval, 1)) {
        meter.online = false;
        out.push({ topic: this.topics.meter(meter.topicId).status, payload: 'offline', ...OPTIONS.status });
      }
    }
    return out;
  }

  /** `offline` for the meters read from a source whose input closed (an unplugged adapter, a lost gateway broker). */
  sourceLost(sourceId: string): OutboundMessage[] {
    return this.markOffline((m) => m.sourceId === sourceId);
  }

  /** On shutdown: every meter offline. */
  allOffline(): OutboundMessage[] {
    return this.markOffline(() => true);
  }

  private markOffline(which: (meter: MeterRecord) => boolean): OutboundMessage[] {
    const online = [...this.meters.values()].filter((m) => m.online && which(m));
    for (const m of online) m.online = false;
    return online.map((m) => ({ topic: this.topics.meter(m.topicId).status, payload: 'offline', ...OPTIONS.status }));
  }

  snapshot(): MeterSnapshot[] {
    return [...this.meters.values()].map(({ meterId, topicId, online, lastSeen, interval, readings, info }) => ({
      meterId,
      topicId,
      online,
      lastSeen,
      interval,
      readings,
      info,
    }));
  }

  private discovery(meter: MeterRecord): OutboundMessage {
    const readings = [...meter.known.values()];
    for (const r of readings) meter.announced.add(r.topic);
    const { topic, payload } = haDeviceDiscovery({ ...meter.info, meterId: meter.topicId }, readings, {
      origin: { name: 'Smartmeter Bridge', sw: this.settings.version },
      baseTopic: this.settings.baseTopic,
      discoveryPrefix: this.settings.homeAssistant.prefix,
    });
    return { topic, payload: json(payload), ...OPTIONS.discovery };
  }
}
