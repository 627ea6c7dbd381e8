/**
 * serialport's MockBinding behind a pretend meter: bytes read with the meter's own line settings come out as sent,
 * with any other settings garbled, as a real UART would deliver them. It also refuses settings on request and
 * fails like the OS when the device file is missing, which the mock binding alone cannot show.
 */
import { existsSync } from 'node:fs';
import { SerialPortMock } from 'serialport';
import { formatLineSettings, type LineSettings } from '../../../electron/core/transports/line-settings.ts';
import type { SerialBinding, SerialPortHandle } from '../../../electron/core/transports/serial-connection.ts';

const MockBinding = SerialPortMock.binding;

export class FakeMeterBinding implements SerialBinding {
  /** Every open attempt: the device path and `115200 8N1`-style settings. */
  readonly opens: { path: string; label: string }[] = [];
  /** The meter's settings; null while it is silent. */
  meterSettings: string | null;
  /** Settings the port refuses with EINVAL, as the GUIDE's ptys and some adapters do. */
  refused = new Set<string>();
  private readonly timers = new Set<ReturnType<typeof setInterval>>();
  private readonly created = new Set<string>();
  private readonly ports: { isOpen: boolean }[] = [];

  constructor(
    private readonly frame: Uint8Array,
    meterSettings: string | null,
    private readonly intervalMs = 20,
  ) {
    this.meterSettings = meterSettings;
  }

  async open(options: { path: string } & LineSettings): Promise<SerialPortHandle> {
    const label = formatLineSettings(options);
    this.opens.push({ path: options.path, label });
    if (!existsSync(options.path)) throw new Error(`Error: No such file or directory, cannot open ${options.path}`);
    if (this.refused.has(label)) throw new Error('Error: Invalid argument, cannot set');
    if (!this.created.has(options.path)) MockBinding.createPort(options.path);
    this.created.add(options.path);
    const port = await MockBinding.open(options);
    this.ports.push(port);
    const send = (): void => {
      if (!port.isOpen || this.meterSettings === null) return;
      port.emitData(Buffer.from(label === this.meterSettings ? this.frame : this.frame.map((b) => b ^ 0xff)));
    };
    // The first frame is there at once, so a listening window never ends before it on a busy machine.
    send();
    this.timers.add(setInterval(send, this.intervalMs));
    return port;
  }

  get openPorts(): number {
    return this.ports.filter((p) => p.isOpen).length;
  }

  dispose(): void {
    for (const timer of this.timers) clearInterval(timer);
    MockBinding.reset();
  }
}
