/** What discovery finds: gateway devices (gPlug/Tasmota) and meter streams already on a broker, as the UI shows them. */
import type { GatewayKind } from '../sources/types.ts';

/** How a device or meter was found. */
export type FoundVia = 'mqtt' | 'http' | 'mdns';

/** The meter object a Tasmota SENSOR message carries (gPlug `z`, SML or P1 objects). */
export interface MeterObject {
  /** Its key in the SENSOR JSON, e.g. `z`. */
  key: string;
  /** Field names it publishes (at most MAX_FIELDS). */
  fields: string[];
  /** The meter's serial when the object carries one (`SMid`): the meter ID the profile uses. */
  meterSerial?: string;
}

/** Facts about one gateway device, each optional: every source of them (MQTT, HTTP, mDNS) knows only some. */
export interface DeviceFacts {
  /** 12 upper-case hex digits, colons added (`AA:BB:CC:DD:EE:FF`). */
  mac?: string;
  ip?: string;
  hostname?: string;
  /** DeviceName or FriendlyName. */
  name?: string;
  firmware?: string;
  model?: string;
  /** Tasmota device topic (`%topic%`). */
  topic?: string;
  /** The broker the device publishes to, from its own settings (Status 0). */
  mqttHost?: string;
  mqttPort?: number;
  /** LWT: Online / Offline. */
  online?: boolean;
  meter?: MeterObject;
  /** HTTP port when it is not 80 (mDNS). */
  httpPort?: number;
}

export interface FoundDevice extends DeviceFacts {
  /** Stable key in the list: `mac:…`, `topic:…` or `host:…`. */
  key: string;
  via: FoundVia[];
  /** The broker URL (no credentials) where it was seen, for devices found on MQTT. */
  broker?: string;
  /** Unix milliseconds. */
  lastSeen: number;
  /** The bridge already receives its meter. */
  received: boolean;
}

/** A meter stream on a broker: one-click "translate" adds `source`. */
export interface FoundMeter {
  key: string;
  kind: GatewayKind;
  /** The meter ID as the converter reads it (Tasmota: the serial when the SENSOR carries one, else the topic). */
  meterId: string;
  /** Tasmota topic, datacollector meter id or RL-DSP group: what the source's `topic` selects. */
  selector: string;
  /** A topic it was seen on. */
  topic: string;
  broker: string;
  fields: string[];
  lastSeen: number;
  received: boolean;
  /** The source config that translates it (shared/config/schema.ts `type: mqtt`). */
  source: { type: 'mqtt'; gateway: GatewayKind; topic: string; url?: string };
}

export interface DiscoveryCounters {
  /** Messages read on the discovery subscriptions. */
  messages: number;
  /** Messages carrying the bridge's origin property or on its own topics: never listed. */
  own: number;
  /** Payloads that did not parse (typed, counted, never thrown). */
  invalid: number;
  /** New devices or meters refused because the list is full. */
  overflow: number;
}

export interface DiscoveryView {
  devices: FoundDevice[];
  meters: FoundMeter[];
  counters: DiscoveryCounters;
  /** The brokers MQTT discovery watches, and whether it reads them now. */
  brokers: { url: string; connected: boolean; error?: string }[];
}

/** Why an HTTP probe failed. */
export type ProbeErrorKind = 'invalid' | 'refused' | 'timeout' | 'unreachable' | 'auth' | 'not-tasmota' | 'aborted';

export interface ProbeError {
  kind: ProbeErrorKind;
  message: string;
}

export type ProbeOutcome = { ok: true; device: DeviceFacts } | { ok: false; error: ProbeError };

export interface ScanProgress {
  done: number;
  total: number;
  found: number;
}

export type AdoptStep = 'read-settings' | 'listen' | 'configure' | 'wait-sensor' | 'done';

/** One adopt step as reported while it runs; `address` tells concurrent adopts apart. */
export interface AdoptProgress {
  address: string;
  step: AdoptStep;
  detail: string;
}

export type AdoptErrorKind = 'invalid' | 'device' | 'broker' | 'no-sensor';

/** The device's MQTT settings before adopt changed them: what undoing it restores. */
export interface PreviousSettings {
  mqttHost?: string;
  mqttPort?: number;
  topic?: string;
}

export type AdoptResult =
  | {
      ok: true;
      /** The source to add to the bridge's config. */
      source: { type: 'mqtt'; gateway: 'tasmota'; topic: string };
      meterSerial?: string;
      previous: PreviousSettings;
    }
  | { ok: false; step: AdoptStep; error: { kind: AdoptErrorKind; message: string }; previous?: PreviousSettings };
