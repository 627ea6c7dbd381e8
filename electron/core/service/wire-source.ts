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
}

export interface WireSourceEvents {
  message: [message: DecodedMessage];
  decodeError: [error: DecodeError];
  state: [state: SourceState];
}

/** The raw view keeps this much of a message: enough for any push, bounded for a stream without frames. */
const RAW_LIMIT = 4096;

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
  /** The chunks behind the last decoded message; turned into hex only when someone looks (not per frame). */
  private lastFrame: Uint8Array[] = [];
  private readonly options: DecoderOptions;

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
    bytes.on('state', (state) => {
      // A reconnect starts a fresh byte stream: a frame cut by the unplug must not be glued to new bytes.
      if (state.state === 'open') this.decoder = createDecoder(this.protocol, this.options);
      this.emit('state', state);
    });
  }

  get counters(): SourceCounters {
    return this.lastFrame.length ? { ...this.tally, lastRaw: toHex(joinRaw(this.lastFrame)) } : { ...this.tally };
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
        this.lastFrame = this.raw;
        this.raw = [];
        this.rawBytes = 0;
        this.emit('message', out.message);
      } else {
        this.count(out.error);
        this.emit('decodeError', out.error);
      }
    }
  }

  private count(error: DecodeError): void {
    this.tally.lastError = error;
    if (error.kind === 'crc') this.tally.crcErrors++;
    else if (error.kind === 'decrypt') this.tally.decryptErrors++;
    else this.tally.otherErrors++;
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
