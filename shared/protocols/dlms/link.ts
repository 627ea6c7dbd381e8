/**
 * The link layer of a DLMS push stream: bytes in arbitrary chunks → whole APDUs (plus the transport that carried
 * them) or typed errors. Recognises HDLC (with segment reassembly), wired M-Bus long frames (with segment
 * reassembly) and bare APDUs; once one transport delivered data, only that transport is looked for, so stray
 * bytes of another kind cannot hold up the stream. Garbage between frames is skipped; the buffer is bounded.
 */
import { ByteBuffer } from '../byte-buffer.ts';
import { decodeError, type DecodeError } from '../types.ts';
import { AxdrExtent, INVALID, NEED_MORE } from './axdr-extent.ts';
import { cipheredApduLength, isCipheredApdu } from './ciphering.ts';
import { GBT_TAG, parseGbtBlock } from './gbt.ts';
import { looksLikeHdlcStart, parseHdlcFrame, type HdlcParse } from './hdlc.ts';
import { looksLikeMbusStart, parseMbusFrame, type MbusParse } from './mbus-frame.ts';
import {
  DATA_NOTIFICATION_TAG,
  mayBeDataNotification,
  notificationBodyStart,
  parseDataNotification,
} from './notification.ts';
import { concat, MAX_APDU_BYTES, SequenceAssembler } from './sequence.ts';

export type Transport = 'hdlc' | 'mbus' | 'raw';

export interface LinkUnit {
  transport: Transport;
  apdu: Uint8Array;
}

export type LinkOutput = { ok: true; unit: LinkUnit } | { ok: false; error: DecodeError };

/** What one position of the buffer holds. */
type Step =
  /** `total`: the bytes from this position a frame with a checked header needs, when known. */
  | { kind: 'need-more'; total?: number }
  | { kind: 'skip' }
  | { kind: 'consumed'; count: number; outputs: LinkOutput[]; transport: Transport };

/** HDLC and M-Bus parsers answer alike when they found no frame at a position. */
type NoFrame =
  | { status: 'need-more'; total?: number }
  | { status: 'garbage' }
  | { status: 'error'; error: DecodeError; consumed: number };

function noFrame(parsed: NoFrame, transport: Transport): Step {
  if (parsed.status === 'need-more')
    return parsed.total === undefined ? { kind: 'need-more' } : { kind: 'need-more', total: parsed.total };
  if (parsed.status === 'garbage') return { kind: 'skip' };
  return { kind: 'consumed', count: parsed.consumed, outputs: [{ ok: false, error: parsed.error }], transport };
}

const HDLC_FLAG = 0x7e;
const MBUS_START = 0x68;

/** The largest buffer kept while waiting for the rest of a frame or bare APDU. */
const MAX_BUFFER = MAX_APDU_BYTES + 256;

export class LinkReader {
  private readonly buffer = new ByteBuffer();
  /** Bytes the frame at the buffer's start needs in all; 0 when unknown. */
  private waitFor = 0;
  private locked: Transport | null = null;
  /** Memo of frameFollows within one scan: -1 unknown, Infinity none. */
  private nextFrameAt = -1;
  private hdlcParts: Uint8Array[] = [];
  private hdlcSize = 0;
  private readonly mbus = new SequenceAssembler('M-Bus segment', 0, (n) => (n + 1) & 0x0f);
  /** How far the bare data-notification at the buffer's start has been stepped over, read plain and as Czech. */
  private extents: [AxdrExtent, AxdrExtent] | null = null;

  push(chunk: Uint8Array): LinkOutput[] {
    this.buffer.append(chunk);
    // A frame whose header checked out needs its whole length before anything can change (byte-at-a-time feeding).
    if (this.buffer.length < this.waitFor) return [];
    return this.scan(false);
  }

  end(): LinkOutput[] {
    const out = this.scan(true);
    this.buffer.clear();
    if (this.hdlcParts.length > 0) {
      out.push(fail('truncated', 'the stream ended inside a segmented HDLC message: its last frame never came'));
      this.hdlcParts = [];
      this.hdlcSize = 0;
    }
    for (const error of this.mbus.end()) out.push({ ok: false, error });
    return out;
  }

  private scan(ending: boolean): LinkOutput[] {
    const out: LinkOutput[] = [];
    // Frames and APDUs taken from `b` are copies (slice), so the buffer may be reused once scanned.
    const b = this.buffer.view();
    this.nextFrameAt = -1;
    this.waitFor = 0;
    let pos = 0;
    while (pos < b.length) {
      const step = this.step(b, pos, ending);
      if (step.kind === 'skip') {
        pos++;
        continue;
      }
      if (step.kind === 'need-more') {
        if (!ending && b.length - pos <= MAX_BUFFER) {
          this.waitFor = step.total ?? 0;
          break;
        }
        if (!ending) {
          pos++; // the frame cannot complete within the bound: resynchronise after its first byte
          continue;
        }
        // The stream ended inside a frame: the rest of the buffer belongs to it.
        if (b.length - pos > 1)
          out.push(fail('truncated', `the stream ended inside ${describe(b[pos]!)}: it is incomplete`));
        pos = b.length;
        break;
      }
      this.locked = step.transport;
      out.push(...step.outputs);
      pos += step.count;
    }
    if (pos > 0 || ending) this.extents = null;
    this.buffer.consume(pos);
    return out;
  }

  private step(b: Uint8Array, pos: number, ending: boolean): Step {
    if (this.allows('hdlc') && looksLikeHdlcStart(b, pos)) {
      const step = this.hdlc(parseHdlcFrame(b, pos));
      if (step.kind !== 'skip') return step;
    }
    if (this.allows('mbus') && looksLikeMbusStart(b, pos)) {
      const step = this.mbusStep(parseMbusFrame(b, pos));
      if (step.kind !== 'skip') return step;
    }
    if (this.allows('raw')) {
      const step = this.raw(b, pos, ending);
      // Before the transport is known, a bare-APDU start that waits for more bytes must not hide a frame behind it.
      if (step.kind === 'need-more' && this.locked === null && this.frameFollows(b, pos + 1)) return { kind: 'skip' };
      return step;
    }
    return { kind: 'skip' };
  }

  private allows(transport: Transport): boolean {
    return this.locked === null || this.locked === transport;
  }

  /** Whether a complete frame starts at or after `from`; remembered per scan, as positions only grow. */
  private frameFollows(b: Uint8Array, from: number): boolean {
    if (this.nextFrameAt === Infinity) return false;
    if (this.nextFrameAt >= from) return true;
    this.nextFrameAt = Infinity;
    // Frames start with 0x7E (HDLC) or 0x68 (M-Bus): jump between those bytes instead of testing every position,
    // as this runs on every push while a bare APDU is incomplete.
    let hdlc = b.indexOf(HDLC_FLAG, from);
    let mbus = b.indexOf(MBUS_START, from);
    while (hdlc >= 0 || mbus >= 0) {
      if (hdlc >= 0 && (mbus < 0 || hdlc < mbus)) {
        if (looksLikeHdlcStart(b, hdlc) && parseHdlcFrame(b, hdlc).status === 'frame') return this.frameAt(hdlc);
        hdlc = b.indexOf(HDLC_FLAG, hdlc + 1);
      } else {
        if (looksLikeMbusStart(b, mbus) && parseMbusFrame(b, mbus).status === 'segment') return this.frameAt(mbus);
        mbus = b.indexOf(MBUS_START, mbus + 1);
      }
    }
    return false;
  }

  private frameAt(position: number): true {
    this.nextFrameAt = position;
    return true;
  }

  private hdlc(parsed: HdlcParse): Step {
    if (parsed.status !== 'frame') return noFrame(parsed, 'hdlc');
    const { frame } = parsed;
    const outputs: LinkOutput[] = [];
    if (frame.info.length > 0) {
      if (this.hdlcSize + frame.info.length > MAX_APDU_BYTES) {
        outputs.push(fail('syntax', `segmented HDLC message exceeds ${MAX_APDU_BYTES} bytes: it is dropped`));
        this.hdlcParts = [];
        this.hdlcSize = 0;
      } else {
        this.hdlcParts.push(frame.info);
        this.hdlcSize += frame.info.length;
      }
      if (!frame.segmented && this.hdlcParts.length > 0) {
        // Information fields are copies (slice), so a message in one frame needs no joining.
        const apdu = this.hdlcParts.length === 1 ? this.hdlcParts[0]! : concat(this.hdlcParts, this.hdlcSize);
        outputs.push({ ok: true, unit: { transport: 'hdlc', apdu } });
        this.hdlcParts = [];
        this.hdlcSize = 0;
      }
    }
    return { kind: 'consumed', count: parsed.consumed, outputs, transport: 'hdlc' };
  }

  private mbusStep(parsed: MbusParse): Step {
    if (parsed.status !== 'segment') return noFrame(parsed, 'mbus');
    const { segment } = parsed;
    const result = this.mbus.push({ number: segment.sequence, last: segment.final, data: segment.data });
    const outputs: LinkOutput[] = result.errors.map((error) => ({ ok: false, error }));
    if (result.complete) outputs.push({ ok: true, unit: { transport: 'mbus', apdu: result.complete } });
    return { kind: 'consumed', count: parsed.consumed, outputs, transport: 'mbus' };
  }

  /** A bare APDU, optionally behind an LLC header: its length comes from its own structure. */
  private raw(b: Uint8Array, pos: number, ending: boolean): Step {
    const llc = b[pos] === 0xe6 && (b[pos + 1] === 0xe7 || b[pos + 1] === 0xe6) && b[pos + 2] === 0x00 ? 3 : 0;
    if (llc > 0 && pos + 3 >= b.length) return { kind: 'need-more' };
    const start = pos + llc;
    const apdu = b.subarray(start);
    if (!ending && pos === 0 && this.incompleteNotification(apdu)) return { kind: 'need-more' };
    const length = this.bareApduLength(apdu);
    if (length === null) return { kind: 'need-more' };
    if (length === 0) return { kind: 'skip' };
    const unit: LinkUnit = { transport: 'raw', apdu: b.slice(start, start + length) };
    return { kind: 'consumed', count: llc + length, outputs: [{ ok: true, unit }], transport: 'raw' };
  }

  /**
   * Whether the bare data-notification at the buffer's start still lacks bytes, told by stepping over its tags and
   * lengths from where the last push stopped, in both readings the parser tries (plain tagged, Czech descriptors):
   * it waits while one reading lacks bytes and the other does too or is refused. Otherwise (a reading is complete,
   * or cannot be judged without parsing) the full parse decides.
   */
  private incompleteNotification(apdu: Uint8Array): boolean {
    if (apdu[0] !== DATA_NOTIFICATION_TAG) return false;
    if (!this.extents) {
      const bodyStart = notificationBodyStart(apdu);
      if (bodyStart < 0) return bodyStart === NEED_MORE;
      this.extents = [new AxdrExtent(bodyStart), new AxdrExtent(bodyStart, true)];
    }
    const plain = this.extents[0].advance(apdu);
    const czech = this.extents[1].advance(apdu);
    return waiting(plain) && waiting(czech) && (plain === NEED_MORE || czech === NEED_MORE);
  }

  /** Length of the bare APDU at the start of `apdu`; null while more bytes are needed, 0 when it is none. */
  private bareApduLength(apdu: Uint8Array): number | null {
    if (apdu[0] !== DATA_NOTIFICATION_TAG) return bareApduLength(apdu);
    if (!mayBeDataNotification(apdu)) return 0;
    const parsed = parseDataNotification(apdu);
    if (parsed.ok) return parsed.end;
    return parsed.error.kind === 'truncated' ? null : 0;
  }
}

/** Length of the bare GBT block or ciphered APDU at the start of `apdu`; null while more bytes are needed, 0 when it is none. */
function bareApduLength(apdu: Uint8Array): number | null {
  if (apdu[0] === GBT_TAG) {
    const parsed = parseGbtBlock(apdu);
    if (parsed.ok) return parsed.end;
    return parsed.error.kind === 'truncated' ? null : 0;
  }
  if (isCipheredApdu(apdu)) {
    const length = cipheredApduLength(apdu);
    if (length === null || length > apdu.length) return length === null || length <= MAX_APDU_BYTES ? null : 0;
    return length;
  }
  return 0;
}

/** A reading of an incomplete notification that lacks bytes, or that the parser refuses (then the other decides). */
function waiting(end: number): boolean {
  return end === NEED_MORE || end === INVALID;
}

function describe(first: number): string {
  return first === 0x7e ? 'an HDLC frame' : first === 0x68 ? 'an M-Bus frame' : 'an APDU';
}

function fail(kind: DecodeError['kind'], message: string): LinkOutput {
  return { ok: false, error: decodeError(kind, message) };
}
