/**
 * DLMS/COSEM push decoder: bytes in arbitrary chunks (HDLC, wired M-Bus or bare APDUs) → ObisMessages or typed
 * errors. Layers: link framing and segment reassembly (link.ts) → LLC header → general block transfer (gbt.ts) →
 * deciphering (ciphering.ts) → data-notification (notification.ts) → COSEM interpretation (interpret.ts).
 */
import { decodeError, type DecodeError, type DecodeOutput, type DecoderOptions, type StreamDecoder } from '../types.ts';
import { toHex } from '../hex.ts';
import { decipherApdu, isCipheredApdu } from './ciphering.ts';
import { GBT_TAG, GbtAssembler, parseGbtBlock } from './gbt.ts';
import { interpretPush, type PushContext } from './interpret.ts';
import { LinkReader, type Transport } from './link.ts';
import { DATA_NOTIFICATION_TAG, parseDataNotification } from './notification.ts';

export { FAMILIES, type MeterFamily } from './families.ts';

/** '/' opens a P1 telegram: Luxembourgish and some Austrian meters send DSMR text inside general-glo-ciphering. */
const DSMR_START = 0x2f;
/** What a correct key deciphers to: a push, a block of one, another ciphered layer, or a P1 telegram. */
const KNOWN_PLAINTEXT_TAGS = new Set([DATA_NOTIFICATION_TAG, GBT_TAG, DSMR_START, 0xdb, 0xdd]);

/** Ciphered content may itself be block transfer or ciphered again: this many layers are unwrapped at most. */
const MAX_LAYERS = 4;

interface Layer {
  transport: Transport;
  systemTitle?: Uint8Array;
  encrypted: boolean;
}

/** LLC header of IEC 62056-46 (E6 E7 00 from the server, E6 E6 00 from the client). */
function stripLlc(apdu: Uint8Array): Uint8Array {
  return apdu[0] === 0xe6 && (apdu[1] === 0xe7 || apdu[1] === 0xe6) && apdu[2] === 0 ? apdu.subarray(3) : apdu;
}

class DlmsDecoder implements StreamDecoder {
  private readonly link = new LinkReader();
  /** Block transfer outside and inside ciphering are separate sequences. */
  private readonly gbt = [new GbtAssembler(), new GbtAssembler()];

  constructor(private readonly options: DecoderOptions) {}

  push(chunk: Uint8Array): DecodeOutput[] {
    return this.fromLink(this.link.push(chunk));
  }

  end(): DecodeOutput[] {
    const out = this.fromLink(this.link.end());
    for (const gbt of this.gbt) out.push(...gbt.end().map(failure));
    return out;
  }

  private fromLink(units: ReturnType<LinkReader['push']>): DecodeOutput[] {
    if (units.length === 0) return []; // most pushes of a slow line: no closure to make
    return units.flatMap((u) =>
      u.ok
        ? this.apdu(stripLlc(u.unit.apdu), { transport: u.unit.transport, encrypted: false }, 0)
        : [failure(u.error)],
    );
  }

  private apdu(apdu: Uint8Array, layer: Layer, depth: number): DecodeOutput[] {
    if (depth >= MAX_LAYERS) return [fail('syntax', `APDU nested more than ${MAX_LAYERS} layers deep`)];
    const tag = apdu[0];
    if (tag === undefined) return [fail('truncated', 'empty APDU')];
    if (tag === GBT_TAG) {
      const parsed = parseGbtBlock(apdu);
      if (!parsed.ok) return [failure(parsed.error)];
      const result = this.gbt[layer.encrypted ? 1 : 0]!.push(parsed.block);
      const out = result.errors.map(failure);
      if (result.complete) out.push(...this.apdu(result.complete, layer, depth + 1));
      return out;
    }
    if (isCipheredApdu(apdu)) {
      const keys = {
        ...(this.options.key ? { key: this.options.key } : {}),
        ...(this.options.authKey ? { authKey: this.options.authKey } : {}),
        ...(this.options.keysFor ? { keysFor: this.options.keysFor } : {}),
      };
      const deciphered = decipherApdu(apdu, keys, this.options.gcmDecrypt);
      if (!deciphered.ok) return [failure(deciphered.error)];
      // Without an authentication tag a wrong key is only noticed here: the plaintext is no APDU at all.
      if (!deciphered.authenticated && !KNOWN_PLAINTEXT_TAGS.has(deciphered.plaintext[0]!)) {
        return [fail('decrypt', 'the frame decrypts to nothing readable: check the encryption key (GUEK)')];
      }
      const inner: Layer = { transport: layer.transport, systemTitle: deciphered.systemTitle, encrypted: true };
      return this.apdu(deciphered.plaintext, inner, depth + 1);
    }
    if (tag === DATA_NOTIFICATION_TAG) {
      const parsed = parseDataNotification(apdu);
      if (!parsed.ok) return [failure(parsed.error)];
      const ctx: PushContext = {
        ...layer,
        ...(this.options.timeZone ? { timeZone: this.options.timeZone } : {}),
        ...(this.options.family ? { family: this.options.family } : {}),
      };
      return [plausible(interpretPush(parsed.value, ctx), layer)];
    }
    if (tag === DSMR_START && layer.encrypted) {
      return [
        fail('unsupported', 'the ciphered APDU holds a DSMR telegram, not a COSEM push: choose the DSMR decoder'),
      ];
    }
    return [
      fail(
        'unsupported',
        `APDU tag 0x${toHex([tag])} is not a push (data-notification, block transfer or ciphered): nothing to decode`,
      ),
    ];
  }
}

/**
 * A bare APDU carries no checksum, and random bytes now and then parse as a push of one nameless value (17 in 100 MB
 * of noise). Real pushes name their values by OBIS code (or a meter-family layout does): a bare, unencrypted push
 * that names none is taken for noise.
 */
function plausible(output: DecodeOutput, layer: Layer): DecodeOutput {
  if (!output.ok || layer.transport !== 'raw' || layer.encrypted) return output;
  if (output.message.values.some((v) => 'obis' in v && v.obis !== null)) return output;
  return fail('syntax', 'a bare data-notification that names no OBIS code: noise, not a push');
}

function failure(error: DecodeError): DecodeOutput {
  return { ok: false, error };
}

function fail(kind: DecodeError['kind'], message: string): DecodeOutput {
  return failure(decodeError(kind, message));
}

export function createDlmsDecoder(options: DecoderOptions = {}): StreamDecoder {
  return new DlmsDecoder(options);
}
