/**
 * The bridge inside the desktop app: the same BridgeService as `serve`, with the same discovery and api methods, in
 * the main process (never in the page), which the tray can pause and resume. Paused means stopped as `serve` stops:
 * meters reported offline, nothing read or published, queued messages kept on disk for the next start.
 */
import { EventEmitter } from 'node:events';
import type { ApiEvent, BridgeView } from '../../shared/api.ts';
import type { BridgeDiscovery } from '../core/discovery/bridge-discovery.ts';
import type { ResolvedConfig } from '../core/config/load-config.ts';
import type { BridgeService } from '../core/service/bridge-service.ts';
import { serviceDiagnostics } from '../core/service/diagnostics-bundle.ts';
import { LogRing } from '../core/service/logger.ts';
import { createProbeHandler } from '../core/probe/probe-handler.ts';
import { SerialPortWatch } from '../core/probe/serial-port-watch.ts';
import type { ApiBackend } from '../server/api-server.ts';
import { createDiscoveryBackend, type DiscoveryBackend } from '../server/discovery-methods.ts';
import { historyHandlers } from '../server/history-methods.ts';

interface Running {
  service: BridgeService;
  discovery?: { found: BridgeDiscovery; backend: DiscoveryBackend; stopEvents: () => void };
}

export class DesktopBridge extends EventEmitter<{ change: []; discovery: [ApiEvent] }> implements ApiBackend {
  private running: Running | undefined;
  /** Start and stop one after another, so that quick pause/resume clicks never run two services. */
  private queue: Promise<void> = Promise.resolve();
  /** The settings methods (getConfig, patchConfig, ...): they work paused too, on the config file. */
  private settings: ApiBackend['handlers'] = {};

  /** Discovery events of whichever service runs now, and serial ports plugged in or out. */
  onEvent(listener: (event: ApiEvent) => void): () => void {
    this.on('discovery', listener);
    const stopPorts = this.ports.onChange((data) => listener({ event: 'serialPorts', data }));
    return () => void (this.off('discovery', listener), stopPorts());
  }

  constructor(
    private readonly create: () => BridgeService,
    private readonly discover: (service: BridgeService) => BridgeDiscovery | undefined,
    /** The lines the app's logger keeps for the Diagnostics page. */
    private readonly logs: LogRing = new LogRing(),
  ) {
    super();
  }

  start(): Promise<void> {
    return this.serially(async () => {
      if (this.running) return;
      const service = this.create();
      service.on('change', () => this.emit('change'));
      await service.start();
      const found = this.discover(service);
      const backend = found && createDiscoveryBackend(found.service, { watch: found.watch });
      const stopEvents = backend?.onEvent((event) => this.emit('discovery', event));
      this.running = { service, discovery: found && backend && stopEvents && { found, backend, stopEvents } };
    });
  }

  stop(): Promise<void> {
    return this.serially(async () => {
      const running = this.running;
      this.running = undefined;
      running?.discovery?.stopEvents();
      await Promise.all([running?.discovery?.found.service.stop(), running?.service.stop()]);
    });
  }

  /** A changed config applied to the running service (a paused one starts with it, through `create`). */
  reconfigure(config: ResolvedConfig): Promise<void> {
    return this.serially(async () => this.running?.service.reconfigure(config));
  }

  offerSettings(handlers: ApiBackend['handlers']): void {
    this.settings = handlers;
  }

  getBridge(): BridgeView | undefined {
    return this.running?.service.snapshot();
  }

  /** The methods of whichever service runs now: while paused, discovery's are refused as not running. */
  get handlers(): ApiBackend['handlers'] {
    const service = this.running?.service;
    return {
      ...(service && {
        getDiagnostics: () => serviceDiagnostics(service, this.logs, service.snapshot()?.version ?? 'unknown'),
      }),
      listSerialPorts: () => this.ports.ports(),
      probeSerialPort: this.probe,
      ...this.running?.discovery?.backend.handlers,
      ...historyHandlers(() => this.running?.service.history()),
      ...this.settings,
    };
  }

  private readonly probe = createProbeHandler({ bridge: () => this.getBridge() });
  private readonly ports = new SerialPortWatch({
    extraPorts: () => this.running?.service.currentConfig().serial.extraPorts ?? [],
  });

  onChange(listener: () => void): void {
    this.on('change', listener);
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step).finally(() => this.emit('change'));
    this.queue = run.catch(() => undefined);
    return run;
  }
}
