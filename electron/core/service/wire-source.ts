/**
 * A meter on a serial port or TCP bridge: bytes from the ByteSource through the protocol decoder, with the counters
 * the UI shows (frames ok, CRC errors, decrypt errors, other errors, last seen, the last raw frame).
 */
import { EventEmitter } from 'node:events';
import { createDecoder, type ProtocolChoice } from '../../../shared/protocols/decode.ts';
import { toHex } from '../../../shared/protocols/hex.ts';
import type { DecodedMessage, DecodeError, DecoderOptions, StreamDecoder } from '../../../shared/protocols/types.ts';
import { withNodeCrypto } from '../crypto/node-gcm.ts';
import type { ByteSource, SourceState } from '../transports/byte-source.ts';

export interface SourceCounters {
  framesOk: number;
  crcErrors: number;
  decryptErrors: number;
  otherErrors: number;
  /** Unix seconds of the last decoded message. */
  lastSeen?: number;
  lastError?: DecodeError;
  /** Hex of the bytes that made up the last decoded message (at most RAW_LIMIT bytes). */
  lastRaw?: string;
  /** Meters whose frames failed to decrypt since they last decoded, newest last: the UI asks for their keys. */
  lockedMeters?: LockedMeterCount[];
}

export interface LockedMeterCount {
  meterId: string;
  /** Its frames that failed to decrypt since the source started or the meter last decoded. */
  errors: number;
  message: string;
}

/** A kept raw frame as the diagnostics show it: hex and the decode tree, made only when asked. */
export interface RecentFrame {
  /** Unix seconds when it was decoded. */
  at: number;
  hex: string;
  /** The frame decoded again, for the decode tree (framing, APDU info, each value with raw and scaled value). */
  decoded?: DecodedMessage;
  error?: DecodeError;
}

export interface WireSourceEvents {
  message: [message: DecodedMessage];
  decodeError: [error: DecodeError];
  state: [state: SourceState];
}

/** The raw view keeps this much of a message: enough for any push, bounded for a stream without frames. */
const RAW_LIMIT = 4096;
/** Frames kept for the diagnostics page (at most RAW_LIMIT bytes each). */
export const FRAME_RING = 10;
/** Locked meters kept per source: a stick hears the neighbours' meters too, and their number has no bound. */
const LOCKED_LIMIT = 32;

export class WireSource extends EventEmitter<WireSourceEvents> {
  private readonly tally: Omit<SourceCounters, 'lastRaw'> = {
    framesOk: 0,
    crcErrors: 0,
    decryptErrors: 0,
    otherErrors: 0,
  };
  private decoder: StreamDecoder;
  private raw: Uint8Array[] = [];
  private rawBytes = 0;
  /** The chunks behind the last decoded messages, newest last; turned into hex only when someone looks. */
  private readonly frames: { at: number; parts: Uint8Array[] }[] = [];
  private readonly options: DecoderOptions;
  private readonly locked = new Map<string, LockedMeterCount>();

  constructor(
    readonly id: string,
    readonly label: string,
    private readonly bytes: ByteSource,
    private readonly protocol: ProtocolChoice,
    options: DecoderOptions,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    super();
    this.options = withNodeCrypto(options);
    this.decoder = createDecoder(protocol, this.options);
    bytes.on('data', (chunk) => this.onData(chunk));
    bytes.on('linkError', (error) => this.onError(error));
    bytes.on('state', (state) => {
      // A reconnect starts a fresh byte stream: a frame cut by the unplug must not be glued to new bytes.
      if (state.state === 'open') this.decoder = createDecoder(this.protocol, this.options);
      this.emit('state', state);
    });
  }

  get counters(): SourceCounters {
    const last = this.frames.at(-1);
    const counters: SourceCounters = last ? { ...this.tally, lastRaw: toHex(joinRaw(last.parts)) } : { ...this.tally };
    if (this.locked.size > 0) counters.lockedMeters = [...this.locked.values()].map((m) => ({ ...m }));
    return counters;
  }

  /** The last FRAME_RING frames, oldest first, each decoded again by a fresh decoder (the live one keeps state). */
  recentFrames(): RecentFrame[] {
    return this.frames.map(({ at, parts }) => {
      const bytes = joinRaw(parts);
      const decoder = createDecoder(this.protocol, this.options);
      const outs = [...decoder.push(bytes), ...decoder.end()];
      const decoded = outs.find((o) => o.ok);
      const failed = outs.find((o) => !o.ok);
      const frame: RecentFrame = { at, hex: toHex(bytes) };
      if (decoded?.ok) frame.decoded = decoded.message;
      else if (failed && !failed.ok) frame.error = failed.error;
      return frame;
    });
  }

  get state(): SourceState {
    return this.bytes.state;
  }

  start(): void {
    this.bytes.start();
  }

  async stop(): Promise<void> {
    await this.bytes.stop();
    for (const out of this.decoder.end()) if (!out.ok) this.count(out.error);
  }

  private onData(chunk: Uint8Array): void {
    this.keepRaw(chunk);
    for (const out of this.decoder.push(chunk)) {
      if (out.ok) {
        this.tally.framesOk++;
        this.tally.lastSeen = this.now();
        this.frames.push({ at: this.tally.lastSeen, parts: this.raw });
        if (this.frames.length > FRAME_RING) this.frames.shift();
        this.raw = [];
        this.rawBytes = 0;
        if (this.locked.size > 0 && out.message.meterId !== undefined) this.locked.delete(out.message.meterId);
        this.emit('message', out.message);
      } else {
        this.onError(out.error);
      }
    }
  }

  private onError(error: DecodeError): void {
    this.count(error);
    this.emit('decodeError', error);
  }

  private count(error: DecodeError): void {
    this.tally.lastError = error;
    if (error.kind === 'crc') this.tally.crcErrors++;
    else if (error.kind === 'decrypt') {
      this.tally.decryptErrors++;
      if (error.meterId !== undefined) this.noteLocked(error.meterId, error.message);
    } else this.tally.otherErrors++;
  }

  private noteLocked(meterId: string, message: string): void {
    const errors = (this.locked.get(meterId)?.errors ?? 0) + 1;
    this.locked.delete(meterId); // re-inserted as the newest
    this.locked.set(meterId, { meterId, errors, message });
    if (this.locked.size > LOCKED_LIMIT) this.locked.delete(this.locked.keys().next().value!);
  }

  private keepRaw(chunk: Uint8Array): void {
    this.raw.push(chunk);
    this.rawBytes += chunk.length;
    while (this.rawBytes - this.raw[0]!.length >= RAW_LIMIT) this.rawBytes -= this.raw.shift()!.length;
  }
}

function joinRaw(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  return all.subarray(Math.max(0, all.length - RAW_LIMIT));
}
