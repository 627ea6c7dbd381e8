/**
 * What `harmonize` found in one message, kept by the quantity's position in the table rather than as a list of
 * candidates: a message then costs a few array writes per value, and the readings come out in table order by a walk
 * over the positions, without a sort. One instance serves every call (harmonize runs to completion, never interleaved)
 * and is reset at the start of each.
 */
import type { Reading } from './harmonize.ts';
import { QUANTITIES } from './quantities.ts';
import { roundValue } from './units.ts';

/** A DSMR sub-meter's value on channel n > 0 (rare: a few per message at most). */
interface ChannelValue {
  position: number;
  channel: number;
  value: number;
  obis: string | undefined;
  timestamp: number | undefined;
}

export class FoundReadings {
  /** Channel 0, by table position. */
  private readonly present = new Uint8Array(QUANTITIES.length);
  private readonly values = new Float64Array(QUANTITIES.length);
  private readonly obis: (string | undefined)[] = QUANTITIES.map(() => undefined);
  /** NaN for none: a typed array keeps clock values (beyond small integers) unboxed. */
  private readonly times = new Float64Array(QUANTITIES.length);
  /** M-Bus: the rank of the VIF name that filled a position (0 best). */
  readonly ranks = new Int32Array(QUANTITIES.length);
  /** Channel-0 positions in the order they were filled: tariff sums add their parts in this order. */
  readonly filled: number[] = [];
  private readonly channels: ChannelValue[] = [];
  private readonly sorted: number[] = [];

  reset(): void {
    for (const p of this.filled) this.present[p] = 0;
    this.filled.length = 0;
    this.channels.length = 0;
  }

  /** Filled on any channel. */
  has(position: number): boolean {
    if (this.present[position] === 1) return true;
    for (const c of this.channels) if (c.position === position) return true;
    return false;
  }

  /** Channel 0 only. */
  hasMain(position: number): boolean {
    return this.present[position] === 1;
  }

  /** First value wins: a meter that repeats a code (or sends 24.2.1 and 24.2.3) publishes one value per topic. */
  add(position: number, value: number, channel: number, obis?: string, timestamp?: number): void {
    if (channel !== 0) {
      for (const c of this.channels) if (c.position === position && c.channel === channel) return;
      this.channels.push({ position, channel, value, obis, timestamp });
      return;
    }
    if (this.present[position] === 1) return;
    this.present[position] = 1;
    this.values[position] = value;
    this.obis[position] = obis;
    this.times[position] = timestamp ?? NaN;
    this.filled.push(position);
  }

  /** Takes a channel-0 value out again (a signed power read into its import/export pair). */
  remove(position: number): void {
    if (this.present[position] === 0) return;
    this.present[position] = 0;
    this.filled.splice(this.filled.indexOf(position), 1);
  }

  value(position: number): number {
    return this.values[position]!;
  }

  obisOf(position: number): string | undefined {
    return this.obis[position];
  }

  timeOf(position: number): number | undefined {
    const time = this.times[position]!;
    return Number.isNaN(time) ? undefined : time;
  }

  /** Replaces a channel-0 value, keeping its register and time. */
  setValue(position: number, value: number): void {
    this.values[position] = value;
  }

  /** Replaces a channel-0 value and its time, keeping its register (a better-ranked M-Bus record). */
  replace(position: number, value: number, timestamp: number | undefined): void {
    this.values[position] = value;
    this.times[position] = timestamp ?? NaN;
  }

  /** Table order, then channel; the lowest channel of a quantity gets the plain topic, others `<topic>_<channel>`. */
  readings(): Reading[] {
    const readings: Reading[] = [];
    const main = this.sortedMain();
    const channels = this.channels.length > 1 ? this.channels.sort(byChannel) : this.channels;
    // Merges the two position-ordered lists; a position's channel values follow its channel-0 value.
    for (let i = 0, next = 0; i < main.length || next < channels.length;) {
      const isMain = i < main.length && (next >= channels.length || main[i]! <= channels[next]!.position);
      const p = isMain ? main[i++]! : channels[next]!.position;
      const { id, unit, topic } = QUANTITIES[p]!;
      if (isMain) readings.push(reading(id, topic, this.values[p]!, unit, this.obis[p], this.timeOf(p)));
      for (let first = !isMain; next < channels.length && channels[next]!.position === p; next++, first = false) {
        const c = channels[next]!;
        readings.push(reading(id, first ? topic : `${topic}_${c.channel}`, c.value, unit, c.obis, c.timestamp));
      }
    }
    return readings;
  }

  /** The filled channel-0 positions in table order: an insertion sort, as meters mostly send them in that order. */
  private sortedMain(): number[] {
    const sorted = this.sorted;
    sorted.length = 0;
    for (const p of this.filled) {
      let i = sorted.length;
      for (; i > 0 && sorted[i - 1]! > p; i--) sorted[i] = sorted[i - 1]!;
      sorted[i] = p;
    }
    return sorted;
  }
}

function byChannel(x: ChannelValue, y: ChannelValue): number {
  return x.position - y.position || x.channel - y.channel;
}

function reading(
  quantity: string,
  topic: string,
  raw: number,
  unit: string,
  obis: string | undefined,
  timestamp: number | undefined,
): Reading {
  const value = roundValue(raw);
  // One literal per shape, fields in one order: adding fields to a made object changes its shape per reading.
  if (obis !== undefined && timestamp !== undefined) return { quantity, topic, value, unit, obis, timestamp };
  if (obis !== undefined) return { quantity, topic, value, unit, obis };
  if (timestamp !== undefined) return { quantity, topic, value, unit, timestamp };
  return { quantity, topic, value, unit };
}
