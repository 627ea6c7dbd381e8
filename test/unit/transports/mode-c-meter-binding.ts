/**
 * serialport's MockBinding with a pretend IEC 62056-21 mode C meter behind it (the simulator's meter side): what the
 * reader writes reaches the meter, the meter's answers come back as received bytes. A data message sent at a rate
 * the reader's port is not set to arrives garbled, as through a real UART; the meter waits for the reader to
 * switch (the standard's reaction time is longer than the reader's switch) and gives up after `giveUpMs`.
 */
import { existsSync } from 'node:fs';
import { SerialPortMock } from 'serialport';
import type { RequestBinding, RequestPortHandle } from '../../../electron/core/transports/iec-mode-c.ts';
import { formatLineSettings, type LineSettings } from '../../../electron/core/transports/line-settings.ts';
import { ModeCMeter, type ModeCReply } from '../../../shared/protocols/iec62056-21/mode-c-meter.ts';

const MockBinding = SerialPortMock.binding;

export class ModeCMeterBinding implements RequestBinding {
  /** `300 7E1`-style settings of every open. */
  readonly opens: string[] = [];
  /** The device path of every open. */
  readonly paths: string[] = [];
  /** Every rate the reader switched to, in order. */
  readonly rates: number[] = [];
  /** Everything the reader wrote, one entry per write. */
  readonly written: string[] = [];
  /** A half-duplex optical head: the reader hears its own messages. */
  echo = false;
  /** Received characters carry their even parity bit in bit 7, as on a port left at 8 data bits. */
  parityBits = false;
  /** The meter does not answer at all. */
  silent = false;
  /** Data messages whose BCC is spoiled, counted down. */
  spoilBcc = 0;
  /** Every answer replaced by as many bytes of line noise. */
  noise = false;
  giveUpMs = 100;
  private readonly created = new Set<string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly meter: ModeCMeter) {}

  async open(options: { path: string } & LineSettings): Promise<RequestPortHandle> {
    this.opens.push(formatLineSettings(options));
    this.paths.push(options.path);
    if (!existsSync(options.path)) throw new Error(`Error: No such file or directory, cannot open ${options.path}`);
    if (!this.created.has(options.path)) MockBinding.createPort(options.path);
    this.created.add(options.path);
    const port = await MockBinding.open(options);
    let rate = options.baudRate;
    let waiting: { reply: ModeCReply; timer: ReturnType<typeof setTimeout> } | null = null;
    const send = (reply: ModeCReply): void => {
      if (waiting) clearTimeout(waiting.timer);
      waiting = null;
      if (!port.isOpen) return;
      const bytes = this.spoil(reply);
      const onWire = rate === reply.baudRate ? bytes.map((b) => this.withParity(b)) : bytes.map((b) => b ^ 0x55);
      port.emitData(Buffer.from(onWire));
    };
    const write = port.write.bind(port);
    port.write = async (buffer: Buffer) => {
      await write(buffer);
      this.written.push(buffer.toString('latin1'));
      if (this.echo) port.emitData(Buffer.from(buffer));
      if (this.silent) return;
      for (const reply of this.meter.receive(buffer)) {
        if (reply.baudRate === rate) this.later(() => send(reply));
        else waiting = { reply, timer: this.later(() => send(reply), this.giveUpMs) };
      }
    };
    const update = port.update.bind(port);
    port.update = async (o) => {
      await update(o);
      rate = o.baudRate;
      this.rates.push(rate);
      if (waiting?.reply.baudRate === rate) {
        const { reply } = waiting;
        this.later(() => send(reply));
      }
    };
    return port;
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    MockBinding.reset();
  }

  private later(run: () => void, ms = 1): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => (this.timers.delete(timer), run()), ms);
    this.timers.add(timer);
    return timer;
  }

  private spoil(reply: ModeCReply): Uint8Array {
    if (this.noise) return reply.bytes.map((_, i) => (i * 0x9e + 0x2f) & 0xff);
    if (reply.kind !== 'data' || this.spoilBcc === 0) return reply.bytes;
    this.spoilBcc--;
    const bytes = Uint8Array.from(reply.bytes);
    bytes[bytes.length - 1] = bytes.at(-1)! ^ 0x01;
    return bytes;
  }

  private withParity(b: number): number {
    if (!this.parityBits) return b;
    let ones = 0;
    for (let v = b; v; v >>= 1) ones += v & 1;
    return ones % 2 ? b | 0x80 : b;
  }
}
