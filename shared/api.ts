/**
 * The one contract between the UI and the core: the methods the UI may call, the events it receives, and the data
 * they carry. Electron (IPC) and the browser (WebSocket at `/api`) carry the same messages; the core checks every
 * request against `apiRequestSchema`, since whatever arrives over a socket is untrusted.
 */
import { z } from 'zod';
import type { Reading } from './profile/index.ts';

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
