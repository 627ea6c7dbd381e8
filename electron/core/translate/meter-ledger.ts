/**
 * What a translate instance knows of every meter, learned from the broker and its own work: at start each instance
 * reads the retained `<base>/+/state` topics (what any instance published last), and `<base>/+/status` all along;
 * then its own publications. Per meter (by topic id):
 * - the newest published timestamp: a reading older than it stays off the live topics (shared subscriptions order
 *   nothing across instances);
 * - the tariff registers it has sent, read from the state bundle's keys: a total summed from tariffs is left out when
 *   one of them is missing, whichever instance saw the earlier bundle;
 * - online/offline from its retained status, and when this instance last published for it (for `offline`: each
 *   instance sees a meter every `instances` readings, so `--offline-after` must exceed that many intervals).
 * A meter's info is re-published by each instance when it differs from what that instance last sent (idempotent).
 */
import { z } from 'zod';
import { TARIFF_QUANTITIES } from '../../../shared/profile/index.ts';
import { readRetainedJson } from './retained-json.ts';

export interface MeterEntry {
  /** Unix seconds of the newest reading published for it (by any instance). */
  timestamp: number;
  tariffs: Set<string>;
  online: boolean;
  /** Local milliseconds when a reading of it was last seen (published by any instance, or sent to late here). */
  seenAt: number;
  /** The info payload this instance last published. */
  infoJson?: string;
}

const statePayload = z.object({ timestamp: z.number().finite(), readings: z.record(z.string(), z.unknown()) });

export class MeterLedger {
  /** Read once at start (retained): reading every instance's state bundles live would cost each instance the whole
   * fleet's traffic, which is what scaling out is to avoid. */
  readonly stateFilter: string;
  /** Read all along: small, and only on changes. */
  readonly statusFilter: string;
  private readonly meters = new Map<string, MeterEntry>();
  private readonly prefix: string;

  /** `maxMeters` bounds memory: beyond it the meter heard from least recently is forgotten. */
  constructor(
    baseTopic: string,
    private readonly maxMeters = 100_000,
  ) {
    this.prefix = `${baseTopic}/`;
    this.stateFilter = `${baseTopic}/+/state`;
    this.statusFilter = `${baseTopic}/+/status`;
  }

  get size(): number {
    return this.meters.size;
  }

  get(topicId: string): MeterEntry | undefined {
    return this.meters.get(topicId);
  }

  /**
   * Learns from a message on one of `filters`; false when the topic is not one of them. A malformed payload (another
   * client writing there) teaches nothing.
   */
  learn(topic: string, payload: Buffer, nowMs: number): boolean {
    if (!topic.startsWith(this.prefix)) return false;
    const rest = topic.slice(this.prefix.length);
    const slash = rest.indexOf('/');
    if (slash <= 0 || rest.indexOf('/', slash + 1) !== -1) return false;
    const id = rest.slice(0, slash);
    const kind = rest.slice(slash + 1);
    if (kind !== 'state' && kind !== 'status') return false;
    if (id === 'bridge' || payload.length === 0) return true; // the bridge's own status; a cleared retained topic
    if (kind === 'status') {
      const text = payload.toString('utf8');
      if (text === 'online' || text === 'offline') this.entry(id, nowMs).online = text === 'online';
      return true;
    }
    const state = readRetainedJson(statePayload, payload);
    if (state) this.published(id, state.timestamp, Object.keys(state.readings), nowMs);
    return true;
  }

  /** Whether a reading stamped `timestamp` may be published: not older than the newest published for the meter. */
  accepts(topicId: string, timestamp: number): boolean {
    const entry = this.meters.get(topicId);
    return entry === undefined || timestamp >= entry.timestamp;
  }

  /** Records a publication (this instance's or another's): its timestamp, and the tariffs among its reading keys. */
  published(topicId: string, timestamp: number, readingKeys: Iterable<string>, nowMs: number): MeterEntry {
    const entry = this.entry(topicId, nowMs);
    entry.timestamp = Math.max(entry.timestamp, timestamp);
    entry.seenAt = nowMs;
    for (const key of readingKeys) if (TARIFF_QUANTITIES.has(key)) entry.tariffs.add(key);
    return entry;
  }

  /** A reading of the meter arrived, published live or not: it is not silent. */
  heard(topicId: string, nowMs: number): void {
    const entry = this.meters.get(topicId);
    if (entry) entry.seenAt = nowMs;
  }

  /** Meters marked online whose last reading is older than `silentMs`: marked offline and returned. */
  silentSince(nowMs: number, silentMs: number): string[] {
    const silent: string[] = [];
    for (const [id, entry] of this.meters) {
      if (entry.online && nowMs - entry.seenAt >= silentMs) {
        entry.online = false;
        silent.push(id);
      }
    }
    return silent;
  }

  private entry(topicId: string, nowMs: number): MeterEntry {
    let entry = this.meters.get(topicId);
    if (entry) {
      // Map order is recency order: the first entry is the one to forget.
      this.meters.delete(topicId);
    } else {
      if (this.meters.size >= this.maxMeters) this.meters.delete(this.meters.keys().next().value!);
      entry = { timestamp: -Infinity, tariffs: new Set(), online: false, seenAt: nowMs };
    }
    this.meters.set(topicId, entry);
    return entry;
  }
}
