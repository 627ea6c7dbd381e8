/**
 * One entry point for every wire protocol: a named decoder, or `auto`, which recognises the dialect from the stream.
 */
import { createDlmsDecoder } from './dlms/index.ts';
import { createDsmrDecoder } from './dsmr/index.ts';
import { createMbusDecoder } from './mbus/index.ts';
import { createIecDecoder } from './iec62056-21/index.ts';
import { createSmlDecoder } from './sml/index.ts';
import { createWmbusDecoder } from './wmbus/index.ts';
import { isEscape, isStartMark } from './sml/escape.ts';
import type { DecodeOutput, DecoderOptions, Protocol, StreamDecoder } from './types.ts';

export type ProtocolChoice = Protocol | 'auto';

export const PROTOCOLS: readonly Protocol[] = ['dsmr', 'dlms', 'mbus', 'sml', 'iec62056-21', 'wmbus'];

/**
 * What `auto` tries. IEC 62056-21 only when named: its readouts carry no checksum in mode D, so a DSMR telegram with a
 * broken CRC would decode as one and lock the stream onto a reader that checks nothing. Wireless M-Bus likewise: a
 * receiver's frames without CRCs start with a bare length byte, so nearly any bytes would pass for one.
 */
const NAMED_ONLY: ReadonlySet<Protocol> = new Set(['iec62056-21', 'wmbus']);
const AUTO_PROTOCOLS: readonly Protocol[] = PROTOCOLS.filter((p) => !NAMED_ONLY.has(p));

const factories: Record<Protocol, (options: DecoderOptions) => StreamDecoder> = {
  dsmr: createDsmrDecoder,
  dlms: createDlmsDecoder,
  mbus: createMbusDecoder,
  sml: createSmlDecoder,
  'iec62056-21': createIecDecoder,
  wmbus: createWmbusDecoder,
};

export function createDecoder(protocol: ProtocolChoice, options: DecoderOptions = {}): StreamDecoder {
  return protocol === 'auto' ? new AutoDecoder(options) : factories[protocol](options);
}

/** EN 13757-3 application CIs; any other CI in a `68 L L 68` frame is taken for DLMS carried over wired M-Bus. */
const MBUS_APPLICATION_CI = new Set([0x72, 0x73, 0x76, 0x77, 0x78, 0x7a]);

/** The dialect whose frame start comes first in `bytes`, or null while nothing is recognisable yet. */
export function sniffProtocol(bytes: Uint8Array): Protocol | null {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x2f) return 'dsmr'; // '/' opens a P1 telegram
    if (b === 0x1b && isEscape(bytes, i) && isStartMark(bytes, i + 4)) return 'sml'; // SML transport's start escape
    if (b === 0x7e && (bytes[i + 1]! & 0xf0) === 0xa0) return 'dlms'; // HDLC frame format type 3
    if (b === 0x68 && i + 6 < bytes.length && bytes[i + 3] === 0x68 && bytes[i + 1] === bytes[i + 2]) {
      return MBUS_APPLICATION_CI.has(bytes[i + 6]!) ? 'mbus' : 'dlms';
    }
    if (b === 0xdb || b === 0xdd || b === 0x0f || b === 0xe0 || (b === 0xe6 && bytes[i + 1] === 0xe7)) return 'dlms';
  }
  return null;
}

/**
 * Runs every decoder side by side until one of them yields a message, then locks onto it for the rest of the stream.
 * Until then, errors are reported from the dialect the first frame start suggests, so a capture that never decodes
 * (wrong CRC, missing key) still says why. The side-by-side phase also settles the ambiguous cases: a ciphered APDU
 * may hold a DSMR telegram (Luxembourg, Austria) or a COSEM push, and only decryption tells which.
 */
class AutoDecoder implements StreamDecoder {
  private readonly candidates: Map<Protocol, StreamDecoder>;
  private locked: StreamDecoder | null = null;
  private preferred: Protocol | null = null;
  private sniffed = new Uint8Array(0);

  constructor(options: DecoderOptions) {
    this.candidates = new Map(AUTO_PROTOCOLS.map((p) => [p, factories[p](options)]));
  }

  push(chunk: Uint8Array): DecodeOutput[] {
    if (this.locked) return this.locked.push(chunk);
    this.sniff(chunk);
    return this.settle((decoder) => decoder.push(chunk));
  }

  end(): DecodeOutput[] {
    if (this.locked) return this.locked.end();
    return this.settle((decoder) => decoder.end());
  }

  private sniff(chunk: Uint8Array): void {
    if (this.preferred) return;
    // Keep only a short tail: a frame start split across chunks needs at most 7 bytes to be recognised.
    const joined = new Uint8Array(this.sniffed.length + chunk.length);
    joined.set(this.sniffed);
    joined.set(chunk, this.sniffed.length);
    this.preferred = sniffProtocol(joined);
    this.sniffed = joined.slice(-7);
  }

  /** Feeds the candidates in order and stops at the first that decodes: a large first chunk is read once, not thrice. */
  private settle(step: (decoder: StreamDecoder) => DecodeOutput[]): DecodeOutput[] {
    const failures = new Map<Protocol, DecodeOutput[]>();
    for (const protocol of this.order()) {
      const decoder = this.candidates.get(protocol)!;
      const out = step(decoder);
      if (out.some((o) => o.ok)) {
        this.locked = decoder;
        return out;
      }
      failures.set(protocol, out);
    }
    return this.preferred ? failures.get(this.preferred)! : [];
  }

  /** The sniffed dialect first, so that it wins when two decoders succeed on the same chunk. */
  private order(): Protocol[] {
    return this.preferred
      ? [this.preferred, ...AUTO_PROTOCOLS.filter((p) => p !== this.preferred)]
      : [...AUTO_PROTOCOLS];
  }
}
