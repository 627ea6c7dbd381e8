/**
 * Hot-plug for the UI: the serial port list, looked at again every 2 s while a page has asked for it in the last
 * 10 minutes, and pushed when it changed. One watch in the core for every page, instead of each page polling; it
 * stops by itself when nobody asks, since listing spawns udevadm on Linux.
 */
import type { SerialPortView } from '../../../shared/api.ts';
import { listSerialPorts } from '../transports/port-list.ts';
import { listExtraPorts, withExtraPorts } from './extra-ports.ts';

export interface SerialPortWatchOptions {
  /** The system's list; default listSerialPorts. */
  list?: () => Promise<SerialPortView[]>;
  /** `serial.extraPorts` as configured now (it may change live): listed while they exist. */
  extraPorts?: () => readonly string[];
  /** Default 2 s: a plugged adapter shows within 3 s. */
  intervalMs?: number;
  /** How long after the last request the list is watched; default 10 min. */
  watchForMs?: number;
}

export class SerialPortWatch {
  private readonly listeners = new Set<(ports: SerialPortView[]) => void>();
  private readonly list: () => Promise<SerialPortView[]>;
  private readonly intervalMs: number;
  private readonly watchForMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private until = 0;
  private last = '';
  private looking = false;

  constructor(options: SerialPortWatchOptions = {}) {
    const system = options.list ?? (() => listSerialPorts());
    const extra = options.extraPorts ?? (() => []);
    this.list = async () => withExtraPorts(await system(), await listExtraPorts(extra()));
    this.intervalMs = options.intervalMs ?? 2000;
    this.watchForMs = options.watchForMs ?? 600_000;
  }

  /** The ports now; changes are pushed to onChange listeners from now on, for a while. */
  async ports(): Promise<SerialPortView[]> {
    this.until = Date.now() + this.watchForMs;
    this.timer ??= setInterval(() => void this.look(), this.intervalMs);
    this.timer.unref?.();
    const ports = await this.list();
    this.last = fingerprint(ports);
    return ports;
  }

  /** Listens for changed lists; returns a function that stops listening. */
  onChange(listener: (ports: SerialPortView[]) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async look(): Promise<void> {
    if (Date.now() > this.until) return this.stop();
    if (this.looking) return; // a slow system list: never two at once
    this.looking = true;
    try {
      const ports = await this.list();
      const now = fingerprint(ports);
      if (now === this.last) return;
      this.last = now;
      for (const listener of this.listeners) listener(ports);
    } finally {
      this.looking = false;
    }
  }
}

function fingerprint(ports: SerialPortView[]): string {
  return JSON.stringify(ports.map((p) => [p.path, p.device, p.manufacturer, p.chip, p.configured]));
}
