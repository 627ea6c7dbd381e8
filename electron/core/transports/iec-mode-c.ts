/**
 * An IEC 62056-21 meter read in mode C through an optical head: every poll interval the sign-on at 300 baud 7E1, the
 * acknowledgement and the baud switch the identification offers, the data message checked by its BCC, then back to
 * 300 baud. The protocol steps come from shared/protocols/iec62056-21/mode-c.ts; this file does the waiting and the
 * line changes. A readout passes on as one chunk (identification and data message) for the IEC decoder; a silent
 * meter shows in the state, a wrong BCC also as a link error (counted with the decoder's), and the next poll tries
 * again; the port closing reconnects with backoff, and after a replug the port is found as SerialSource finds it
 * (port-locator.ts: its /dev/serial/by-id link, wherever that points now).
 */
import { SerialPort } from 'serialport';
import {
  MODE_C_TIMING,
  ModeCReadout,
  SIGN_ON_LINE,
  signOnRequest,
  type ModeCStep,
  type ModeCTiming,
} from '../../../shared/protocols/iec62056-21/mode-c.ts';
import type { BackoffOptions } from './backoff.ts';
import { sourceError, type ByteSourceEvents, type SourceError } from './byte-source.ts';
import { formatLineSettings, type LineSettings } from './line-settings.ts';
import { describeError, formatDuration, ReconnectingSource } from './reconnecting-source.ts';
import { openSerialConnection, type SerialConnection, type SerialPortHandle } from './serial-connection.ts';
import { classifyOpenError } from './serial-errors.ts';
import { PortLocator } from './port-locator.ts';
import { DEFAULT_BY_ID_DIR } from './stable-path.ts';
import { sleep } from './sleep.ts';

/** A port that can also be written to and change its rate: what SerialPort.binding and SerialPortMock.binding open. */
export interface RequestPortHandle extends SerialPortHandle {
  write(buffer: Buffer): Promise<void>;
  drain(): Promise<void>;
  update(options: { baudRate: number }): Promise<void>;
}

export interface RequestBinding {
  open(options: { path: string } & LineSettings): Promise<RequestPortHandle>;
}

export interface ModeCSourceOptions {
  path: string;
  /** Seconds from the start of one readout to the start of the next. */
  pollSeconds: number;
  /** Device address for `/?<address>!`; empty (default) for whichever meter is at the optical port. */
  address?: string;
  maxBaudRate?: number;
  /** The standard's timing; tests shorten it. */
  timing?: Partial<ModeCTiming>;
  backoff?: BackoffOptions;
  watchIntervalMs?: number;
  /** Where stable links live; default /dev/serial/by-id on Linux, none elsewhere. */
  byIdDir?: string | null;
  binding?: RequestBinding;
  platform?: NodeJS.Platform;
}

type PollOutcome = { kind: 'readout'; bytes: Uint8Array; baudRate: number } | { kind: 'failed'; error: SourceError };

/** A chunk handler the read loop calls; between polls nobody listens and stray bytes are dropped. */
type Listener = ((chunk: Uint8Array) => void) | null;

export class ModeCSource extends ReconnectingSource<ByteSourceEvents> {
  private readonly timing: ModeCTiming;
  private readonly binding: RequestBinding;
  private readonly locator: PortLocator;
  private listener: Listener = null;

  constructor(private readonly options: ModeCSourceOptions) {
    super(options.backoff);
    this.timing = { ...MODE_C_TIMING, ...options.timing };
    this.binding = options.binding ?? (SerialPort.binding as RequestBinding);
    this.locator = new PortLocator(options.path, options.byIdDir === undefined ? DEFAULT_BY_ID_DIR : options.byIdDir);
    signOnRequest(options.address); // a bad address is a configuration error: refuse it here, not at every poll
  }

  protected async connect(signal: AbortSignal): Promise<SourceError> {
    this.setState({ state: 'connecting', detail: this.locator.name });
    const target = await this.locator.locate();
    if ('kind' in target) return target;
    const path = target.name;
    let port: RequestPortHandle | undefined;
    let connection: SerialConnection;
    try {
      connection = await openSerialConnection({
        binding: { open: async (o) => (port = await this.binding.open(o)) },
        device: target.device,
        watchPath: path,
        settings: SIGN_ON_LINE,
        watchIntervalMs: this.options.watchIntervalMs ?? 1000,
        onData: (chunk) => this.listener?.(chunk),
      });
    } catch (err) {
      return classifyOpenError(err, path, SIGN_ON_LINE, this.options.platform);
    }
    const stop = (): void => void connection.close();
    signal.addEventListener('abort', stop, { once: true });
    if (signal.aborted) stop();
    const ended = connection.ended.then((reason) => reason ?? sourceError('closed', `${path} was closed`));
    this.setState({ state: 'open', detail: `mode C on ${path}, ${formatLineSettings(SIGN_ON_LINE)} to sign on` });
    try {
      return await this.pollUntilEnd(port!, path, ended, signal);
    } finally {
      signal.removeEventListener('abort', stop);
      this.listener = null;
      await connection.close();
    }
  }

  private async pollUntilEnd(port: RequestPortHandle, path: string, ended: Promise<SourceError>, signal: AbortSignal) {
    const { pollSeconds } = this.options;
    let closed: SourceError | null = null;
    void ended.then((reason) => (closed = reason));
    while (!signal.aborted && !closed) {
      const started = Date.now();
      const outcome = await this.poll(port, ended);
      if ('message' in outcome) return outcome;
      if (outcome.kind === 'readout') {
        this.setState({ state: 'open', detail: `mode C on ${path}, read at ${outcome.baudRate} baud` });
        this.deliver(outcome.bytes);
      } else if (!closed) {
        const detail = `mode C on ${path}, next request in ${formatDuration(pollSeconds * 1000)}`;
        this.setState({ state: 'open', detail, error: outcome.error });
      }
      await Promise.race([sleep(Math.max(0, started + pollSeconds * 1000 - Date.now()), signal), ended]);
    }
    return closed ?? sourceError('closed', 'stopped');
  }

  /** One readout: sign on, follow the steps, back to 300 baud whatever happened; or why the port closed. */
  private async poll(port: RequestPortHandle, ended: Promise<SourceError>): Promise<PollOutcome | SourceError> {
    const readout = new ModeCReadout({ maxBaudRate: this.options.maxBaudRate });
    let baudRate: number = SIGN_ON_LINE.baudRate;
    let finish!: (outcome: PollOutcome) => void;
    const done = new Promise<PollOutcome>((resolve) => (finish = resolve));
    let idle: ReturnType<typeof setTimeout> | undefined;
    const expectMore = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(silent(baudRate, this.timing.reactionMaxMs)), this.timing.reactionMaxMs);
    };
    // Steps run one after another, in the order the bytes that caused them came in.
    let work = Promise.resolve();
    const act = async (step: ModeCStep): Promise<void> => {
      if (step.kind === 'readout') return finish({ kind: 'readout', bytes: step.bytes, baudRate });
      if (step.kind === 'failed') {
        this.emitEvent('linkError', step.error);
        return finish({ kind: 'failed', error: sourceError('io', step.error.message) });
      }
      // serialport's update() flushes both directions (TCIOFLUSH): the acknowledgement must be out before the switch,
      // and the switch must come before the meter answers (its reaction time counts from the acknowledgement's end).
      if (step.kind === 'acknowledge') {
        await pause(this.timing.reactionMinMs);
        const switchAt = pause(this.timing.switchAfterAckMs);
        await port.write(Buffer.from(step.ack));
        await Promise.all([port.drain(), switchAt]);
      }
      if (step.baudRate !== baudRate) await port.update({ baudRate: step.baudRate });
      baudRate = step.baudRate;
      expectMore();
    };
    this.listener = (chunk) => {
      expectMore();
      for (const step of readout.receive(chunk)) {
        work = work.then(() => act(step)).catch((err: unknown) => finish(lineFailed(err)));
      }
    };
    try {
      await port.write(Buffer.from(signOnRequest(this.options.address)));
      expectMore();
      return await Promise.race([done, ended]);
    } catch (err) {
      return lineFailed(err);
    } finally {
      this.listener = null;
      clearTimeout(idle);
      await work;
      if (baudRate !== SIGN_ON_LINE.baudRate) {
        await port.update({ baudRate: SIGN_ON_LINE.baudRate }).catch(() => undefined);
      }
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function silent(baudRate: number, ms: number): PollOutcome {
  const message = `the meter did not answer at ${baudRate} baud within ${formatDuration(ms)}: is the optical head on the meter's eye?`;
  return { kind: 'failed', error: sourceError('timeout', message) };
}

function lineFailed(err: unknown): PollOutcome {
  return { kind: 'failed', error: sourceError('io', describeError(err)) };
}
