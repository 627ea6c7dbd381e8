/**
 * One open serial port: a read loop that passes bytes on, and a watcher that notices an unplug. serialport does not
 * reliably report an unplug (a removed pty often never emits 'close'), so two signals are combined: any read error
 * ends the connection, and the device file behind the path is checked periodically (gone, or replaced by another
 * device under the same name, means unplugged).
 */
import type { SourceError } from './byte-source.ts';
import { sourceError } from './byte-source.ts';
import type { LineSettings } from './line-settings.ts';
import { classifyReadError } from './serial-errors.ts';
import { deviceIdentity } from './stable-path.ts';

/** The part of a serialport binding (`SerialPort.binding`, `SerialPortMock.binding`) a source needs. */
export interface SerialBinding {
  open(options: { path: string } & LineSettings): Promise<SerialPortHandle>;
}

export interface SerialPortHandle {
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number }>;
  /** Every serialport binding writes; a read-only test double may leave it out. */
  write?(buffer: Buffer): Promise<void>;
  close(): Promise<void>;
}

export interface SerialConnection {
  /** Resolves once the connection is over: with why, or null when close() ended it. */
  readonly ended: Promise<SourceError | null>;
  /** Sends bytes to the device (a USB stick's initialisation); rejects with the binding's error. */
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  binding: SerialBinding;
  /** What the binding opens. */
  device: string;
  /** What the user knows the port as (the configured or by-id path); watched for an unplug and named in messages. */
  watchPath: string;
  settings: LineSettings;
  watchIntervalMs: number;
  onData: (chunk: Uint8Array) => void;
}

const READ_SIZE = 4096;

/** Opens the port; rejects with the binding's own error when that fails (see classifyOpenError). */
export async function openSerialConnection(options: ConnectOptions): Promise<SerialConnection> {
  const { binding, device, watchPath, settings, watchIntervalMs, onData } = options;
  const identity = await deviceIdentity(watchPath);
  const port = await binding.open({ path: device, ...settings });

  let watcher: ReturnType<typeof setInterval> | undefined;
  let finished = false;
  let closing: Promise<void> = Promise.resolve();
  let resolveEnded!: (reason: SourceError | null) => void;
  const ended = new Promise<SourceError | null>((resolve) => (resolveEnded = resolve));

  const finish = (reason: SourceError | null): Promise<void> => {
    if (!finished) {
      finished = true;
      clearInterval(watcher);
      // The port may already be gone (unplugged): closing it can fail, and that changes nothing.
      closing = Promise.resolve()
        .then(() => port.close())
        .catch(() => undefined);
      resolveEnded(reason);
    }
    return closing;
  };

  if (identity !== null) {
    watcher = setInterval(() => {
      void deviceIdentity(watchPath).then((now) => {
        if (now !== identity) void finish(sourceError('unplugged', `${watchPath} was unplugged`));
      });
    }, watchIntervalMs);
  }

  void (async () => {
    const buffer = Buffer.alloc(READ_SIZE);
    for (;;) {
      const { bytesRead } = await port.read(buffer, 0, buffer.length);
      if (finished) return;
      if (bytesRead > 0) onData(new Uint8Array(buffer.subarray(0, bytesRead)));
    }
  })().catch((err: unknown) => finish(finished || isCanceled(err) ? null : classifyReadError(err, watchPath)));

  const write = async (bytes: Uint8Array): Promise<void> => {
    if (!port.write) throw new Error(`${watchPath} cannot be written to`);
    await port.write(Buffer.from(bytes));
  };
  return { ended, write, close: () => finish(null) };
}

/** Bindings reject pending reads with `canceled: true` when the port is closed on purpose. */
function isCanceled(err: unknown): boolean {
  return (err as { canceled?: unknown } | null)?.canceled === true;
}
