/**
 * The bridge inside the desktop app: the same BridgeService as `serve`, in the main process (never in the page),
 * which the tray can pause and resume. Paused means stopped as `serve` stops: meters reported offline, nothing read
 * or published, queued messages kept on disk for the next start.
 */
import { EventEmitter } from 'node:events';
import type { BridgeView } from '../../shared/api.ts';
import type { BridgeService } from '../core/service/bridge-service.ts';
import { listSerialPorts } from '../core/transports/port-list.ts';
import type { ApiBackend } from '../server/api-server.ts';

export class DesktopBridge extends EventEmitter<{ change: [] }> implements ApiBackend {
  private service: BridgeService | undefined;
  /** Start and stop one after another, so that quick pause/resume clicks never run two services. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly create: () => BridgeService) {
    super();
  }

  get running(): boolean {
    return this.service !== undefined;
  }

  start(): Promise<void> {
    return this.serially(async () => {
      if (this.service) return;
      const service = this.create();
      service.on('change', () => this.emit('change'));
      await service.start();
      this.service = service;
    });
  }

  stop(): Promise<void> {
    return this.serially(async () => {
      const service = this.service;
      this.service = undefined;
      await service?.stop();
    });
  }

  getBridge(): BridgeView | undefined {
    return this.service?.snapshot();
  }

  listSerialPorts = () => listSerialPorts();

  onChange(listener: () => void): void {
    this.on('change', listener);
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step).finally(() => this.emit('change'));
    this.queue = run.catch(() => undefined);
    return run;
  }
}
