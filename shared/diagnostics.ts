/**
 * What the Diagnostics page shows beyond the bridge view, and what "download diagnostics" saves: versions, the
 * config with every secret replaced by `***`, recent log lines, and per source its last raw frames with their decode
 * tree. Built by the core on request (never per message).
 */
import type { BridgeView } from './api.ts';
import type { DecodedMessage, DecodeError } from './protocols/types.ts';

export interface DiagnosticsLogLine {
  time: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface DiagnosticsFrame {
  /** Unix seconds when it was decoded. */
  at: number;
  hex: string;
  decoded?: DecodedMessage;
  error?: DecodeError;
}

export interface DiagnosticsView {
  /** ISO 8601 time the bundle was made. */
  created: string;
  versions: { bridge: string; node: string; platform: string };
  /** The running config as JSON, secrets as `***`, credentials in URLs removed. */
  config: unknown;
  bridge?: BridgeView;
  logs: DiagnosticsLogLine[];
  sources: { id: string; label: string; frames: DiagnosticsFrame[] }[];
}
