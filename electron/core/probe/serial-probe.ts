/**
 * Connect's probe: listens on one serial port with each known line setting in turn until a frame comes through
 * intact, then closes the port and says what it found: protocol, settings, meter, whether it encrypts, and (with a
 * key) whether the key opens its frames, with the first values. A frame that fails only to decrypt proves the line
 * settings too, since it passed its link checksum before decryption was tried.
 *
 * A pty, ser2net or a USB-CDC meter interface reads at any setting, so the first setting that gave a frame proves
 * nothing there. The probe therefore listens once more at a second setting: the protocol's standard one when the
 * frame was read at another, else one at a different speed. If that reads the meter too, the port cannot tell
 * settings apart: it reports the standard setting (or the first, when the protocol has none) as not proven.
 */
import { SerialPort } from 'serialport';
import { createDecoder } from '../../../shared/protocols/decode.ts';
import type { DecodedMessage, DecodeError } from '../../../shared/protocols/types.ts';
import { withNodeCrypto } from '../crypto/node-gcm.ts';
import type { SourceError } from '../transports/byte-source.ts';
import { AUTO_DETECT_ORDER, type LineSettings } from '../transports/line-settings.ts';
import { standardLineSettings } from './standard-line-settings.ts';
import { openSerialConnection, type SerialBinding } from '../transports/serial-connection.ts';
import { classifyOpenError } from '../transports/serial-errors.ts';

export interface SerialProbeOptions {
  path: string;
  key?: Uint8Array;
  authKey?: Uint8Array;
  /** The whole probe's limit; default 15 s. */
  timeoutMs?: number;
  /**
   * A setting is given up when a whole burst of bytes (the meter's push: bytes, then this much silence) brought no
   * intact frame; default 400 ms. Meters push a telegram at once, so one burst is one telegram.
   */
  silenceMs?: number;
  candidates?: readonly LineSettings[];
  binding?: SerialBinding;
  platform?: NodeJS.Platform;
  signal?: AbortSignal;
}

/** A frame came through: its message, or why it would not decrypt. */
export type ProbeFrame = { settings: LineSettings } & ({ message: DecodedMessage } | { decryptError: DecodeError });

/** What the probe found; `proven`: no other setting read the meter on this port (see the top of this file). */
export type ProbeFound = ProbeFrame & { proven: boolean };

export type SerialProbeOutcome = ProbeFound | { error: SourceError };

/** Why a setting's listening ended. */
type Heard = ProbeFrame | { error: SourceError } | 'garbled' | 'silent' | 'refused';

export async function probeSerialPort(options: SerialProbeOptions): Promise<SerialProbeOutcome> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const candidates = options.candidates ?? AUTO_DETECT_ORDER;
  for (let i = 0; Date.now() < deadline && !options.signal?.aborted; i = (i + 1) % candidates.length) {
    const heard = await listen(options, candidates[i]!, deadline);
    if (typeof heard !== 'object') continue;
    if ('error' in heard) return heard;
    return confirm(options, heard, deadline);
  }
  const seconds = Math.round((options.timeoutMs ?? 15_000) / 1000);
  return {
    error: {
      kind: 'timeout',
      message: `no meter frame on ${options.path} within ${seconds} s: is the meter connected and its interface enabled?`,
    },
  };
}

/** Listens at a second setting: if it reads the meter too, the port reads at any setting and proves none. */
async function confirm(options: SerialProbeOptions, found: ProbeFrame, deadline: number): Promise<ProbeFound> {
  const standard = 'message' in found ? standardLineSettings(found.message) : undefined;
  const second = standard && !sameSettings(standard, found.settings) ? standard : contrast(found.settings);
  const heard = await listen(options, second, deadline);
  // A refused setting or silence until the deadline proves nothing either way; only a whole garbled burst does.
  if (heard === 'garbled') return { ...found, proven: true };
  return { ...found, settings: standard ?? found.settings, proven: false };
}

/** A setting no port that tells settings apart reads like `settings`: another speed, 8N1 (ptys refuse parity changes). */
function contrast(settings: LineSettings): LineSettings {
  const other = settings.baudRate === 9600 ? 2400 : 9600;
  return { baudRate: other, dataBits: 8, parity: 'none', stopBits: 1 };
}

function sameSettings(a: LineSettings, b: LineSettings): boolean {
  return a.baudRate === b.baudRate && a.dataBits === b.dataBits && a.parity === b.parity && a.stopBits === b.stopBits;
}

async function listen(options: SerialProbeOptions, settings: LineSettings, deadline: number): Promise<Heard> {
  const decoder = createDecoder('auto', withNodeCrypto({ key: options.key, authKey: options.authKey }));
  const silenceMs = options.silenceMs ?? 400;
  let done!: (heard: Heard) => void;
  const heard = new Promise<Heard>((resolve) => (done = resolve));
  const opened = Date.now();
  // A burst already under way when the port opened may be cut: only a burst that began after silence counts.
  let wholeBurst = false;
  let silence: ReturnType<typeof setTimeout> | undefined;
  const onData = (chunk: Uint8Array) => {
    if (silence === undefined && Date.now() - opened >= silenceMs) wholeBurst = true;
    clearTimeout(silence);
    silence = setTimeout(() => {
      if (wholeBurst) done('garbled');
      wholeBurst = true;
    }, silenceMs);
    for (const output of decoder.push(chunk)) {
      if (output.ok && output.message.info.transport !== 'raw') return done({ settings, message: output.message });
      if (!output.ok && output.error.kind === 'decrypt') return done({ settings, decryptError: output.error });
    }
  };
  let connection;
  try {
    connection = await openSerialConnection({
      binding: options.binding ?? SerialPort.binding,
      device: options.path,
      watchPath: options.path,
      settings,
      watchIntervalMs: 1000,
      onData,
    });
  } catch (err) {
    const error = classifyOpenError(err, options.path, settings, options.platform ?? process.platform);
    // A port that refuses one setting may take the next (a pty refuses parity changes).
    return error.kind === 'unsupported-setting' ? 'refused' : { error };
  }
  const timer = setTimeout(() => done('silent'), Math.max(0, deadline - Date.now()));
  const stop = () => done('silent');
  options.signal?.addEventListener('abort', stop, { once: true });
  void connection.ended.then((reason) => reason && done({ error: reason }));
  const result = await heard;
  clearTimeout(timer);
  clearTimeout(silence);
  options.signal?.removeEventListener('abort', stop);
  await connection.close();
  return result;
}
