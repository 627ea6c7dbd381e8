/**
 * What the bridge publishes, and when: per decoded message the value topics and the state bundle; per meter its info
 * (when it changes), its status (`online` on the first message after silence, `offline` after missed intervals), Home
 * Assistant discovery (when a meter shows new quantities, and again whenever HA restarts) and, optionally, RL-DSP;
 * every retained per-meter topic again after each (re)connect, since a broker restarted without persistence forgot
 * them; bridge info at most every BRIDGE_INFO_INTERVAL seconds, with a bounded list of meters.
 * Pure bookkeeping: it returns messages and never touches the network, so the rules are testable on their own.
 */
import {
  bridgeInfoPayload,
  haDeviceDiscovery,
  harmonize,
  meterInfoPayload,
  TARIFF_QUANTITIES,
  profileTopics,
  PUBLISH_OPTIONS as OPTIONS,
  rlDspMessage,
  statePayload,
  valuePayload,
  type MeterTopics,
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
  /** The user lists this meter in the config: never shown as new. */
  configured?: boolean;
  /** Unix seconds when the bridge read the message. */
  receivedAt: number;
}

export interface MeterSnapshot {
  meterId: string;
  topicId: string;
  online: boolean;
  /** Unix seconds when the bridge first saw the meter, kept across restarts by the meter registry. */
  firstSeen: number;
  /** Neither in the registry of earlier runs nor in the config: a meter the user has not seen here before. */
  isNew: boolean;
  lastSeen: number;
  /** Estimated seconds between two messages of this meter. */
  interval: number;
  readings: Reading[];
  info: ReturnType<typeof meterInfoPayload>;
  /** A DLMS meter's system title (hex), which its ciphered frames name: keys set under its meter ID are tied to it. */
  systemTitle?: string;
}

/** A meter as the registry on disk keeps it. */
export interface KnownMeter {
  meterId: string;
  /** The topic level its retained topics were last published under (the alias, if one was set). */
  topicId: string;
  firstSeen: number;
  systemTitle?: string;
}

interface MeterRecord extends MeterSnapshot {
  /** Its topics, built once. */
  topics: MeterTopics;
  /** The source it was last read from. */
  sourceId: string;
  alias?: string;
  /** Tariff quantities it has sent: a total summed from them is published only when all are there. */
  tariffs: Set<string>;
  infoJson: string;
  /** Quantities (relative topics) announced to Home Assistant so far. */
  announced: Set<string>;
  /** Every reading seen, latest per topic: what discovery describes. */
  known: Map<string, Reading>;
}

/** Until a second message shows the meter's pace, assume a slow one (M-Bus meters read every minute or so). */
const DEFAULT_INTERVAL = 60;
/** Bridge info is re-sent for new meters at most this often (seconds): a flood of meter IDs is not a flood of it. */
export const BRIDGE_INFO_INTERVAL = 5;
/** Meters that left for silence (roomFor) remembered at most, the oldest forgotten first: fakes cannot grow it. */
const MAX_DORMANT = 10_000;
/** Bridge info lists at most this many meters (the first seen); `meterCount` has them all. */
export const BRIDGE_INFO_MAX_METERS = 100;

const json = (value: unknown) => JSON.stringify(value);

export class MeterPublications {
  private readonly topics: ProfileTopics;
  private readonly meters = new Map<string, MeterRecord>();
  /** Meters of earlier runs (the registry) not heard from yet in this one. */
  private readonly dormant = new Map<string, KnownMeter>();
  private readonly metersPerSource = new Map<string, number>();
  /** When each full source was last swept for silent meters (roomFor). */
  private readonly sweptAt = new Map<string, number>();
  /** Messages of new meters refused because their source was full, in this run. */
  private refusedMessages = 0;
  private bridgeInfoStale = false;
  private bridgeInfoAt = -Infinity;
  constructor(private readonly settings: PublicationSettings) {
    this.topics = profileTopics(settings.baseTopic);
  }

  /** The meters of earlier runs: `offline` on the next (re)connect until they speak, and not new when they do. */
  restore(known: readonly KnownMeter[]): void {
    for (const meter of known) if (!this.meters.has(meter.meterId)) this.dormant.set(meter.meterId, meter);
  }

  /** Every meter to keep in the registry: those heard in this run and those still silent since an earlier one. */
  knownMeters(): KnownMeter[] {
    return [...[...this.meters.values()].map((m) => this.knownMeter(m)), ...this.dormant.values()];
  }

  private knownMeter({ meterId, topicId, firstSeen, systemTitle }: MeterRecord): KnownMeter {
    return systemTitle === undefined ? { meterId, topicId, firstSeen } : { meterId, topicId, firstSeen, systemTitle };
  }

  /** The readings of a meter's latest message. */
  latestReadings(meterId: string): readonly Reading[] {
    return this.meters.get(meterId)?.readings ?? [];
  }

  has(meterId: string): boolean {
    return this.meters.has(meterId);
  }

  /** How many meters were read from `sourceId` in this run (the per-source cap counts these). */
  meterCount(sourceId: string): number {
    return this.metersPerSource.get(sourceId) ?? 0;
  }

  /**
   * Whether `sourceId` may bring one more meter: it has fewer than `maxMeters`, or room is made by letting its meters
   * that are offline and silent for `silentFor` seconds leave (they come back, not as new, when they speak again).
   * A full source is swept at most once a second, as refused messages may come by the thousand.
   */
  roomFor(sourceId: string, maxMeters: number, now: number, silentFor: number): boolean {
    if (this.meterCount(sourceId) < maxMeters || this.makeRoom(sourceId, maxMeters, now, silentFor)) return true;
    // Shown in bridge info, so a consumer sees meters are being turned away (fakes, or a limit to raise).
    this.refusedMessages++;
    this.bridgeInfoStale = true;
    return false;
  }

  private makeRoom(sourceId: string, maxMeters: number, now: number, silentFor: number): boolean {
    if (now - (this.sweptAt.get(sourceId) ?? -Infinity) < 1) return false;
    this.sweptAt.set(sourceId, now);
    for (const meter of this.meters.values()) {
      if (meter.sourceId !== sourceId || meter.online || now - meter.lastSeen < silentFor) continue;
      this.meters.delete(meter.meterId);
      this.countSource(sourceId, -1);
      if (this.dormant.size >= MAX_DORMANT) this.dormant.delete(this.dormant.keys().next().value!);
      this.dormant.set(meter.meterId, this.knownMeter(meter));
      this.bridgeInfoStale = true;
    }
    return this.meterCount(sourceId) < maxMeters;
  }

  get bridgeStatusTopic(): string {
    return this.topics.bridgeStatus;
  }

  bridgeStatus(status: 'online' | 'offline'): OutboundMessage {
    return { topic: this.topics.bridgeStatus, payload: status, ...OPTIONS.bridgeStatus };
  }

  /** Bridge info now (after connecting); `now` starts the interval before the next one. */
  bridgeInfo(now: number): OutboundMessage {
    this.bridgeInfoStale = false;
    this.bridgeInfoAt = now;
    const ids: string[] = [];
    for (const meter of this.meters.values()) {
      if (ids.length === BRIDGE_INFO_MAX_METERS) break;
      ids.push(meter.topicId);
    }
    const payload = {
      ...bridgeInfoPayload(this.settings.version, ids),
      meterCount: this.meters.size,
      metersRefused: this.refusedMessages,
    };
    return { topic: this.topics.bridgeInfo, payload: json(payload), ...OPTIONS.bridgeInfo };
  }

  /** Bridge info when new meters appeared and the last one is at least BRIDGE_INFO_INTERVAL old; else nothing. */
  bridgeInfoDue(now: number): OutboundMessage[] {
    return this.bridgeInfoStale && now - this.bridgeInfoAt >= BRIDGE_INFO_INTERVAL ? [this.bridgeInfo(now)] : [];
  }

  forMessage(message: DecodedMessage, context: MessageContext): OutboundMessage[] {
    const meterId = message.meterId ?? context.sourceId;
    let meter = this.meters.get(meterId);
    const readings = harmonize(message, meter?.tariffs);
    const info = meterInfoPayload({ ...message, meterId }, { source: context.sourceLabel });
    const out: OutboundMessage[] = [];

    if (!meter) {
      const earlier = this.dormant.get(meterId);
      this.dormant.delete(meterId);
      const topics = this.topics.meter(context.alias ?? meterId);
      meter = {
        meterId,
        topicId: topics.id,
        topics,
        ...(context.alias !== undefined ? { alias: context.alias } : {}),
        online: false,
        firstSeen: earlier?.firstSeen ?? context.receivedAt,
        isNew: earlier === undefined && !context.configured,
        lastSeen: context.receivedAt,
        interval: DEFAULT_INTERVAL,
        readings,
        info,
        sourceId: context.sourceId,
        tariffs: new Set(),
        infoJson: '',
        announced: new Set(),
        known: new Map(),
      };
      this.meters.set(meterId, meter);
      this.countSource(context.sourceId, 1);
      this.bridgeInfoStale = true;
      // Its retained status from an earlier run is under the topic it had then: the alias may have changed since.
      if (earlier && earlier.topicId !== meter.topicId) out.push(this.status(earlier.topicId, 'offline'));
    } else {
      const gap = context.receivedAt - meter.lastSeen;
      if (gap > 0) meter.interval = meter.interval === DEFAULT_INTERVAL ? gap : 0.8 * meter.interval + 0.2 * gap;
    }
    if (meter.sourceId !== context.sourceId) {
      this.countSource(meter.sourceId, -1);
      this.countSource(context.sourceId, 1);
      meter.sourceId = context.sourceId;
    }
    const meterTopics = meter.topics;
    if (message.info.systemTitle !== undefined) meter.systemTitle = message.info.systemTitle;
    meter.lastSeen = context.receivedAt;
    meter.readings = readings;
    meter.info = info;
    for (const r of readings) {
      meter.known.set(r.topic, r);
      if (TARIFF_QUANTITIES.has(r.quantity)) meter.tariffs.add(r.quantity);
    }

    const infoJson = json(info);
    if (infoJson !== meter.infoJson) {
      meter.infoJson = infoJson;
      out.push({ topic: meterTopics.info, payload: infoJson, ...OPTIONS.info });
    }
    if (!meter.online) {
      meter.online = true;
      out.push(this.status(meter.topicId, 'online'));
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
      const rl = rlDspMessage(meter.topicId, readings, message.timestamp, context.receivedAt, {
        group: this.settings.rlDsp.group,
        scale: this.settings.rlDsp.scale,
      });
      if (Object.keys(rl.payload.meter).length > 1)
        out.push({ topic: rl.topic, payload: json(rl.payload), ...OPTIONS.rlDsp });
    }
    return out;
  }

  /**
   * Every retained per-meter topic as it stands (info, status, discovery), and `offline` for the meters of earlier
   * runs not heard from yet: after each (re)connect, since a broker restarted without persistence has forgotten them.
   */
  retained(): OutboundMessage[] {
    const out: OutboundMessage[] = [];
    for (const meter of this.meters.values()) {
      if (meter.infoJson) out.push({ topic: meter.topics.info, payload: meter.infoJson, ...OPTIONS.info });
      out.push(this.status(meter.topicId, meter.online ? 'online' : 'offline'));
      if (this.settings.homeAssistant.enabled && meter.announced.size) out.push(this.discovery(meter));
    }
    for (const meter of this.dormant.values()) out.push(this.status(meter.topicId, 'offline'));
    return out;
  }

  /**
   * Hands the meters to `next`, made for changed settings (an alias, the base topic, the discovery prefix): each is
   * published under its new topics from its next message, and every retained topic it holds here that moves gets an
   * empty retained payload, which deletes it on the broker (info, status, state, each value, discovery), as do the
   * bridge's own when the base topic moved. Returns those messages.
   */
  moveTo(next: MeterPublications, aliasOf: (meterId: string) => string | undefined): OutboundMessage[] {
    const moved: [string, string][] = [
      [this.topics.bridgeStatus, next.topics.bridgeStatus],
      [this.topics.bridgeInfo, next.topics.bridgeInfo],
    ];
    const known: KnownMeter[] = [...this.dormant.values()];
    for (const meter of this.meters.values()) {
      const from = meter.topics;
      const to = next.topics.meter(aliasOf(meter.meterId) ?? meter.meterId);
      known.push({ ...this.knownMeter(meter), topicId: to.id });
      moved.push([from.info, to.info], [from.status, to.status], [from.state, to.state]);
      for (const topic of meter.known.keys()) moved.push([from.value(topic), to.value(topic)]);
      if (this.settings.homeAssistant.enabled && next.settings.homeAssistant.enabled && meter.announced.size) {
        moved.push([this.discovery(meter).topic, next.discovery({ ...meter, announced: new Set() }).topic]);
      }
    }
    next.restore(known);
    return moved.filter(([from, to]) => from !== to).map(([topic]) => ({ topic, payload: '', qos: 1, retain: true }));
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
        out.push(this.status(meter.topicId, 'offline'));
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
    return online.map((m) => this.status(m.topicId, 'offline'));
  }

  private status(topicId: string, status: 'online' | 'offline'): OutboundMessage {
    return { topic: this.topics.meter(topicId).status, payload: status, ...OPTIONS.status };
  }

  private countSource(sourceId: string, change: 1 | -1): void {
    this.metersPerSource.set(sourceId, this.meterCount(sourceId) + change);
  }

  snapshot(): MeterSnapshot[] {
    return [...this.meters.values()].map((m) => {
      const { meterId, topicId, online, firstSeen, isNew, lastSeen, interval, readings, info, systemTitle } = m;
      const view = { meterId, topicId, online, firstSeen, isNew, lastSeen, interval, readings, info };
      return systemTitle === undefined ? view : { ...view, systemTitle };
    });
  }

  private discovery(meter: MeterRecord): OutboundMessage {
    const readings = [...meter.known.values()];
    for (const r of readings) meter.announced.add(r.topic);
    const { topic, payload } = haDeviceDiscovery(meter.info, readings, {
      origin: { name: 'Smartmeter Bridge', sw: this.settings.version },
      baseTopic: this.settings.baseTopic,
      ...(meter.alias !== undefined ? { alias: meter.alias } : {}),
      discoveryPrefix: this.settings.homeAssistant.prefix,
    });
    return { topic, payload: json(payload), ...OPTIONS.discovery };
  }
}
