/**
 * A meter on a serial port: fixed line settings or auto-detection, reopened after an unplug with backoff, found again
 * through its /dev/serial/by-id link when it comes back under another ttyUSB number.
 */
import { SerialPort } from 'serialport';
import { createDecoder } from '../../../shared/protocols/decode.ts';
import type { DecoderOptions, StreamDecoder } from '../../../shared/protocols/types.ts';
import type { BackoffOptions } from './backoff.ts';
import { sourceError, type ByteSourceEvents, type SourceError } from './byte-source.ts';
import { LineProbe, type ProbeMatch } from './line-probe.ts';
import { AUTO_DETECT_ORDER, formatLineSettings, type LineSettings } from './line-settings.ts';
import { ReconnectingSource } from './reconnecting-source.ts';
import { openSerialConnection, type SerialBinding, type SerialConnection } from './serial-connection.ts';
import { classifyOpenError } from './serial-errors.ts';
import { PortLocator, type PortTarget } from './port-locator.ts';
import { DEFAULT_BY_ID_DIR } from './stable-path.ts';
import { withNodeCrypto } from '../crypto/node-gcm.ts';
import { sleep } from './sleep.ts';

export interface SerialSourceOptions {
  /** /dev/ttyUSB0, a /dev/serial/by-id link, COM3, ... */
  path: string;
  /** Fixed settings, or 'auto' (default) to try `candidates` until a decoder sees intact frames. */
  settings?: LineSettings | 'auto';
  /** What auto-detection tries, in order; default AUTO_DETECT_ORDER. */
  candidates?: readonly LineSettings[];
  /** How long auto-detection listens with each candidate; meters push every 1-10 s, so default 12 s. */
  detectWindowMs?: number;
  /** Decoder used only to judge candidates; default createDecoder('auto', decoderOptions). */
  createDecoder?: () => StreamDecoder;
  /** Keys and time zone for the default decoder: an encrypted meter's frames are judged by their checksum anyway. */
  decoderOptions?: DecoderOptions;
  backoff?: BackoffOptions;
  /** Written once each time the port opens with fixed settings: commands that put a USB stick into its mode. */
  init?: readonly Uint8Array[];
  /** How often an open port's device file is checked for an unplug; default 1 s. */
  watchIntervalMs?: number;
  /** Where stable links live; default /dev/serial/by-id on Linux, none elsewhere. */
  byIdDir?: string | null;
  /** serialport binding; default the platform's (SerialPort.binding). Tests pass SerialPortMock.binding. */
  binding?: SerialBinding;
  platform?: NodeJS.Platform;
}

export interface DetectionResult extends ProbeMatch {
  settings: LineSettings;
  /** `115200 8N1`. */
  label: string;
  path: string;
}

export interface SerialSourceEvents extends ByteSourceEvents {
  /** Auto-detection locked onto a setting; it is kept from now on, across reconnects. */
  detected: [result: DetectionResult];
}

export class SerialSource extends ReconnectingSource<SerialSourceEvents> {
  private readonly options: Required<Omit<SerialSourceOptions, 'settings' | 'backoff' | 'decoderOptions' | 'init'>>;
  private readonly init: readonly Uint8Array[];
  private locked: LineSettings | null;
  private readonly locator: PortLocator;
  private nextCandidate = 0;
  private detection: DetectionResult | null = null;

  constructor(options: SerialSourceOptions) {
    super(options.backoff);
    const decoderOptions = withNodeCrypto(options.decoderOptions ?? {});
    this.options = {
      path: options.path,
      candidates: options.candidates ?? AUTO_DETECT_ORDER,
      detectWindowMs: options.detectWindowMs ?? 12_000,
      createDecoder: options.createDecoder ?? (() => createDecoder('auto', decoderOptions)),
      watchIntervalMs: options.watchIntervalMs ?? 1000,
      byIdDir: options.byIdDir === undefined ? DEFAULT_BY_ID_DIR : options.byIdDir,
      binding: options.binding ?? SerialPort.binding,
      platform: options.platform ?? process.platform,
    };
    this.locked = options.settings === undefined || options.settings === 'auto' ? null : options.settings;
    this.locator = new PortLocator(this.options.path, this.options.byIdDir);
    this.init = options.init ?? [];
  }

  /** What auto-detection found, once it has. */
  get detected(): DetectionResult | null {
    return this.detection;
  }

  /** The by-id link remembered for this port, once known. */
  get stablePath(): string | null {
    return this.locator.stablePath;
  }

  protected async connect(signal: AbortSignal): Promise<SourceError> {
    this.setState({ state: 'connecting', detail: this.locator.name });
    const target = await this.locator.locate();
    if ('kind' in target) return target;
    return this.locked ? this.stream(target, this.locked, signal) : this.detect(target, signal);
  }

  private async stream(target: PortTarget, settings: LineSettings, signal: AbortSignal): Promise<SourceError> {
    const connection = await this.open(target, settings, (chunk) => this.deliver(chunk));
    if ('kind' in connection) return connection;
    const detail = `${formatLineSettings(settings)} on ${target.name}`;
    // Open first: the state change starts a fresh decoder, which must see the stick's first bytes.
    this.setState({ state: 'open', detail });
    try {
      for (const command of this.init) await connection.write(command);
    } catch (err) {
      // The port reads on: a stick set up by its own tool still passes its telegrams.
      const error = sourceError('io', `could not initialise the device: ${(err as Error).message}`);
      this.setState({ state: 'open', detail, error });
    }
    return this.untilEnd(connection, signal);
  }

  /** Tries the candidates in turn, cycling, until one shows intact frames; then streams on with that port. */
  private async detect(target: PortTarget, signal: AbortSignal): Promise<SourceError> {
    const { candidates, detectWindowMs } = this.options;
    let refusedInARow = 0;
    for (;;) {
      const index = this.nextCandidate % candidates.length;
      const settings = candidates[index]!;
      const detail = `trying ${formatLineSettings(settings)} (${index + 1} of ${candidates.length}) on ${target.name}`;
      this.setState({ state: 'detecting', detail });

      const probe = new LineProbe(this.options.createDecoder());
      let found: (match: ProbeMatch) => void = () => undefined;
      const match = new Promise<ProbeMatch>((resolve) => (found = resolve));
      let onData = (chunk: Uint8Array): void => {
        const result = probe.push(chunk);
        if (result) found(result);
      };
      const connection = await this.open(target, settings, (chunk) => onData(chunk));
      if ('kind' in connection) {
        // A refused setting is that candidate's problem; a port refusing all of them waits with backoff.
        if (connection.kind !== 'unsupported-setting' || ++refusedInARow >= candidates.length) return connection;
        this.setState({ state: 'detecting', detail, error: connection });
        this.nextCandidate++;
        continue;
      }
      refusedInARow = 0;

      const windowOver = sleep(detectWindowMs, signal).then(() => null);
      const outcome = await Promise.race([match, connection.ended, windowOver]);
      if (outcome && 'protocol' in outcome) {
        onData = (chunk) => this.deliver(chunk);
        this.lock(target, settings, outcome);
        this.deliver(probe.bytes());
        return this.untilEnd(connection, signal);
      }
      if (outcome) return outcome; // unplugged while listening: resume with this candidate
      await connection.close();
      if (signal.aborted) return sourceError('closed', 'stopped');
      this.nextCandidate++;
    }
  }

  private lock(target: PortTarget, candidate: LineSettings, match: ProbeMatch): void {
    const { baudRate, dataBits, parity, stopBits } = candidate;
    const settings = { baudRate, dataBits, parity, stopBits };
    this.locked = settings;
    this.detection = { ...match, settings, label: formatLineSettings(settings), path: target.name };
    this.emitEvent('detected', this.detection);
    this.setState({ state: 'open', detail: `found ${match.protocol} at ${this.detection.label} on ${target.name}` });
  }

  private async open(
    target: PortTarget,
    settings: LineSettings,
    onData: (chunk: Uint8Array) => void,
  ): Promise<SerialConnection | SourceError> {
    try {
      return await openSerialConnection({
        binding: this.options.binding,
        device: target.device,
        watchPath: target.name,
        settings,
        watchIntervalMs: this.options.watchIntervalMs,
        onData,
      });
    } catch (err) {
      return classifyOpenError(err, target.name, settings, this.options.platform);
    }
  }

  private async untilEnd(connection: SerialConnection, signal: AbortSignal): Promise<SourceError> {
    const stop = (): void => void connection.close();
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    const reason = await connection.ended;
    signal.removeEventListener('abort', stop);
    await connection.close();
    return reason ?? sourceError('closed', `${this.locator.name} was closed`);
  }
}
