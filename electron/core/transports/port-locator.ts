/**
 * Where a configured serial port is now: the configured path until the adapter's /dev/serial/by-id link is known,
 * then only that link, as after a replug ttyUSB0 may be another adapter. Every source that opens a serial port asks
 * it before each attempt.
 */
import { sourceError, type SourceError } from './byte-source.ts';
import { findStableLink, resolveDevice } from './stable-path.ts';

export interface PortTarget {
  /** What the binding opens. */
  device: string;
  /** What the user knows it as, and what is watched for an unplug. */
  name: string;
}

export class PortLocator {
  private link: string | null = null;

  constructor(
    private readonly path: string,
    private readonly byIdDir: string | null,
  ) {}

  /** The by-id link remembered for this port, once known. */
  get stablePath(): string | null {
    return this.link;
  }

  /** How messages name the port: its stable link once known, else the configured path. */
  get name(): string {
    return this.link ?? this.path;
  }

  /** The device to open now, or why there is none; the first time, learns the stable link of the configured path. */
  async locate(): Promise<PortTarget | SourceError> {
    if (!this.link) {
      this.link = await findStableLink(this.path, this.byIdDir);
      return { device: this.path, name: this.path };
    }
    const device = await resolveDevice(this.link);
    return device
      ? { device, name: this.link }
      : sourceError('not-found', `no such port ${this.link}: is the adapter plugged in?`);
  }
}
