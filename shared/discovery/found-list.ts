/**
 * The list of found devices and meter streams, merged from every way of finding them and bounded: anyone who can
 * publish on a broker can invent devices, so once the list is full new entries are refused and counted (the ones
 * found first, typically from retained messages, stay and keep updating) instead of growing memory.
 */
import type { MeterStream } from './broker-message.ts';
import { MAX_FIELDS } from './meter-object.ts';
import type { DeviceFacts, FoundDevice, FoundMeter, FoundVia } from './types.ts';

export const DEFAULT_MAX_ENTRIES = 256;

export interface FoundListOptions {
  maxDevices?: number;
  maxMeters?: number;
}

type DeviceEntry = Omit<FoundDevice, 'received'>;
type MeterEntry = Omit<FoundMeter, 'received' | 'source'>;

export interface FoundList {
  /** Merges facts into the device they belong to (by MAC, topic, IP or hostname); false when refused (list full). */
  addDevice(facts: DeviceFacts, via: FoundVia, now: number, broker?: string): boolean;
  addMeter(stream: MeterStream, broker: string, now: number): boolean;
  /** `receivedIds`: meter IDs the bridge reads now; `outputBroker`: a source on it needs no `url`. */
  view(receivedIds: ReadonlySet<string>, outputBroker?: string): { devices: FoundDevice[]; meters: FoundMeter[] };
  readonly overflow: number;
}

const IDENTITIES = ['mac', 'topic', 'ip', 'hostname'] as const;

export function createFoundList(options: FoundListOptions = {}): FoundList {
  const maxDevices = options.maxDevices ?? DEFAULT_MAX_ENTRIES;
  const maxMeters = options.maxMeters ?? DEFAULT_MAX_ENTRIES;
  const devices = new Map<string, DeviceEntry>();
  /** `mac:…`, `topic:…`, `ip:…`, `hostname:…` → the device's key. */
  const index = new Map<string, string>();
  const meters = new Map<string, MeterEntry>();
  let overflow = 0;

  const identities = (facts: DeviceFacts) =>
    IDENTITIES.flatMap((name) => (facts[name] === undefined ? [] : [`${name}:${facts[name]}`]));

  const unindex = (entry: DeviceEntry) => {
    for (const id of identities(entry)) if (index.get(id) === entry.key) index.delete(id);
  };

  /** Two entries turned out to be one device (e.g. mDNS named a host that MQTT later tied to a MAC). */
  const absorb = (into: DeviceEntry, from: DeviceEntry) => {
    unindex(from);
    devices.delete(from.key);
    for (const [name, value] of Object.entries(from)) {
      if (!(name in into)) Object.assign(into, { [name]: value });
    }
    for (const via of from.via) if (!into.via.includes(via)) into.via.push(via);
  };

  return {
    addDevice(facts, via, now, broker) {
      const ids = identities(facts);
      if (ids.length === 0) return false;
      const keys = [...new Set(ids.flatMap((id) => index.get(id) ?? []))];
      let entry = keys[0] === undefined ? undefined : devices.get(keys[0]);
      if (!entry) {
        if (devices.size >= maxDevices) return (overflow++, false);
        entry = { key: ids[0]!, via: [], lastSeen: now };
        devices.set(entry.key, entry);
      }
      for (const key of keys.slice(1)) absorb(entry, devices.get(key)!);
      // Re-indexed from scratch: an identity that changed (a new IP) frees its old value, so the index stays as
      // small as the list however often a device's facts change.
      unindex(entry);
      Object.assign(entry, facts, { lastSeen: now }, broker === undefined ? {} : { broker });
      if (!entry.via.includes(via)) entry.via.push(via);
      for (const id of identities(entry)) index.set(id, entry.key);
      return true;
    },
    addMeter(stream, broker, now) {
      // A Tasmota meter is its device topic: immediate messages lack the serial the bundle carries.
      const id = stream.kind === 'tasmota' ? '' : stream.meterId;
      const key = `${stream.kind}|${broker}|${stream.selector}|${id}`;
      const entry = meters.get(key);
      if (!entry) {
        if (meters.size >= maxMeters) return (overflow++, false);
        meters.set(key, { ...stream, key, broker, lastSeen: now, fields: stream.fields.slice(0, MAX_FIELDS) });
        return true;
      }
      if (stream.meterId !== stream.selector || entry.meterId === entry.selector) entry.meterId = stream.meterId;
      entry.topic = stream.topic;
      entry.lastSeen = now;
      for (const field of stream.fields) {
        if (entry.fields.length >= MAX_FIELDS) break;
        if (!entry.fields.includes(field)) entry.fields.push(field);
      }
      return true;
    },
    view(receivedIds, outputBroker) {
      const received = (...ids: (string | undefined)[]) => ids.some((id) => id !== undefined && receivedIds.has(id));
      return {
        devices: [...devices.values()].map((d) => ({
          ...d,
          via: [...d.via],
          received: received(d.meter?.meterSerial, d.meter ? d.topic : undefined),
        })),
        meters: [...meters.values()].map((m) => ({
          ...m,
          fields: [...m.fields],
          received: received(m.meterId, m.kind === 'tasmota' ? m.selector : undefined),
          source: {
            type: 'mqtt',
            gateway: m.kind,
            topic: m.selector,
            ...(m.broker === outputBroker ? {} : { url: m.broker }),
          },
        })),
      };
    },
    get overflow() {
      return overflow;
    },
  };
}
