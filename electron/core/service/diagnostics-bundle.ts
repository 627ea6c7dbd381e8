/** The diagnostics a user can look at and download (shared/diagnostics.ts), with no secret in them. */
import type { BridgeView } from '../../../shared/api.ts';
import type { DiagnosticsView } from '../../../shared/diagnostics.ts';
import type { BridgeService } from './bridge-service.ts';
import type { LogEntry, LogRing } from './logger.ts';
import type { RecentFrame } from './wire-source.ts';

export interface DiagnosticsInput {
  version: string;
  /** The resolved config: its secrets are Secret objects, which serialise as `***`. */
  config: unknown;
  bridge?: BridgeView;
  logs: readonly LogEntry[];
  sources: readonly { id: string; label: string; frames: readonly RecentFrame[] }[];
  now?: Date;
}

/** `user:password@` in any URL (a broker URL typed with its login) becomes `***@`. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s"@]+@/gi;

/** A JSON round trip: Secret objects turn into `***`, and only plain data is left. */
function scrubbed<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null).replace(URL_CREDENTIALS, '$1***@')) as T;
}

export function diagnosticsBundle(input: DiagnosticsInput): DiagnosticsView {
  return scrubbed({
    created: (input.now ?? new Date()).toISOString(),
    versions: { bridge: input.version, node: process.versions.node, platform: `${process.platform} ${process.arch}` },
    config: input.config,
    bridge: input.bridge,
    logs: [...input.logs],
    sources: input.sources.map((s) => ({ id: s.id, label: s.label, frames: [...s.frames] })),
  });
}

/** The getDiagnostics answer for a running service and the ring its logger writes to (serve, the desktop app). */
export function serviceDiagnostics(service: BridgeService, logs: LogRing, version: string): DiagnosticsView {
  return diagnosticsBundle({
    version,
    config: service.currentConfig(),
    bridge: service.snapshot(),
    logs: logs.recent(),
    sources: service.recentFrames(),
  });
}
