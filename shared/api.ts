/**
 * The one contract between the UI and the core: the methods the UI may call, the events it receives, and the data
 * they carry. Electron (IPC) and the browser (WebSocket at `/api`) carry the same messages; the core checks every
 * request against `apiRequestSchema`, since whatever arrives over a socket is untrusted.
 */
import { z } from 'zod';
import type { Reading } from './profile/index.ts';
import type { AdoptProgress, AdoptResult, DiscoveryView, ProbeOutcome, ScanProgress } from './discovery/types.ts';

export const API_VERSION = 1;

export interface SourceView {
  id: string;
  type: 'serial' | 'tcp' | 'mqtt';
  /** e.g. `serial:/dev/ttyUSB0`, `tcp:192.0.2.7:2001`, `mqtt:tasmota`. */
  label: string;
  state: { state: string; detail?: string; error?: { kind: string; message: string } };
  counters: {
    framesOk: number;
    crcErrors: number;
    decryptErrors: number;
    otherErrors: number;
    lastSeen?: number;
    lastError?: { kind: string; message: string };
    /** The last raw frame (hex) or gateway payload (text). */
    lastRaw?: string;
    /** Messages of meters refused because the source reached its `maxMeters` (made-up IDs, or a limit to raise). */
    metersRefused?: number;
  };
}

/** A harmonized reading, as the profile defines it (shared/profile/harmonize.ts). */
export type ReadingView = Reading;

export interface MeterView {
  meterId: string;
  topicId: string;
  online: boolean;
  /** Unix seconds when the bridge first saw the meter, across restarts. */
  firstSeen: number;
  /** Seen for the first time in this run: the UI shows it as a new meter to confirm. */
  isNew: boolean;
  lastSeen: number;
  interval: number;
  readings: ReadingView[];
  info: { manufacturer?: string; model?: string; protocol: string; interface?: string; source?: string };
}

export interface BridgeView {
  version: string;
  /** The profile's base topic: a reading's full topic is `<baseTopic>/<topicId>/<reading.topic>`. */
  baseTopic: string;
  broker: { status: string; url: string; lastError?: { message: string } };
  publisher: { delivered: number; queued: number; dropped: number; rejected: number; failed: number };
  embeddedBroker?: { url: string; clients: number };
  sources: SourceView[];
  meters: MeterView[];
}

export interface SerialPortView {
  path: string;
  device: string;
  manufacturer?: string;
  chip?: string;
  likelyMeterAdapter: boolean;
}

/** Method name → its result. No method takes parameters yet; new ones add a params schema below. */
export interface ApiMethods {
  getBridge: BridgeView;
  listSerialPorts: SerialPortView[];
}

export type ApiMethod = keyof ApiMethods;

export const apiRequestSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  method: z.enum(['getBridge', 'listSerialPorts']),
});

export type ApiRequest = z.infer<typeof apiRequestSchema>;

export type ApiResponse =
  | { id: number; ok: true; result: ApiMethods[ApiMethod] }
  | { id: number | null; ok: false; error: { message: string } };

/** Pushed by the core: the whole bridge view whenever something changed (at most a few times a second). */
export interface ApiEvent {
  event: 'bridge';
  data: BridgeView;
}

// ---- Discovery (docs/discovery.md): methods with parameters, their own responses and events ----

const requestId = z.number().int().nonnegative();
/** The device's web UI login (Tasmota's user is `admin` unless changed). */
const webLogin = { user: z.string().min(1).max(64).optional(), password: z.string().min(1).max(128).optional() };

export const discoveryRequestSchema = z.discriminatedUnion('method', [
  z.strictObject({ id: requestId, method: z.literal('discoveryList') }),
  z.strictObject({
    id: requestId,
    method: z.literal('discoveryProbe'),
    params: z.strictObject({ address: z.string().min(1).max(300), ...webLogin }),
  }),
  z.strictObject({
    id: requestId,
    method: z.literal('discoveryScan'),
    params: z.strictObject({ subnet: z.string().min(1).max(64), ...webLogin }),
  }),
  z.strictObject({ id: requestId, method: z.literal('discoveryStopScan') }),
  z.strictObject({ id: requestId, method: z.literal('discoveryBrowseMdns') }),
  z.strictObject({
    id: requestId,
    /** Changes the device: the UI sends it only after the user confirmed. */
    method: z.literal('discoveryAdopt'),
    params: z.strictObject({
      address: z.string().min(1).max(300),
      ...webLogin,
      /** The bridge's broker as the device reaches it (this machine's LAN address). */
      mqttHost: z.string().min(1).max(64),
      mqttPort: z.number().int().min(1).max(65535),
      mqttUser: z.string().min(1).max(32).optional(),
      mqttPassword: z.string().min(1).max(32).optional(),
      topic: z.string().min(1).max(32).optional(),
    }),
  }),
]);

export type DiscoveryRequest = z.infer<typeof discoveryRequestSchema>;
export type DiscoveryMethod = DiscoveryRequest['method'];

export interface DiscoveryMethods {
  discoveryList: DiscoveryView;
  discoveryProbe: ProbeOutcome;
  discoveryScan: { ok: true; found: number; stopped: boolean } | { ok: false; error: { message: string } };
  /** True when a scan was running. */
  discoveryStopScan: boolean;
  discoveryBrowseMdns: { ok: true; found: number } | { ok: false; error: { message: string } };
  discoveryAdopt: AdoptResult;
}

export type DiscoveryResponse =
  | { id: number; ok: true; result: DiscoveryMethods[DiscoveryMethod] }
  | { id: number; ok: false; error: { message: string } };

/** Pushed while discovery runs: the found list when it changed, scan progress, each adopt step. */
export type DiscoveryEvent =
  | { event: 'discovery'; data: DiscoveryView }
  | { event: 'discoveryScan'; data: ScanProgress & { running: boolean } }
  | { event: 'discoveryAdopt'; data: AdoptProgress };
