import { describe, expect, it } from 'vitest';
import { encipherApdu } from '../../../shared/protocols/dlms/ciphering.ts';
import { createDsmrDecoder } from '../../../shared/protocols/dsmr/index.ts';
import type { DecodeOutput, DecoderOptions, ObisMessage } from '../../../shared/protocols/types.ts';
import { AM550_SERIAL, am550Telegram, concat } from './fixtures.ts';

const key = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i);
const authKey = Uint8Array.from({ length: 16 }, (_, i) => 0xd0 + i);
const systemTitle = Uint8Array.from([0x53, 0x41, 0x47, 0x05, 0x00, 0x11, 0x22, 0x33]);

function encrypted(invocationCounter = 0x10000001): Uint8Array {
  return encipherApdu(am550Telegram(), { key, authKey, systemTitle, invocationCounter, securityControl: 0x30 });
}

function decode(bytes: Uint8Array, options: DecoderOptions, chunkSize = bytes.length): DecodeOutput[] {
  const decoder = createDsmrDecoder(options);
  const out: DecodeOutput[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) out.push(...decoder.push(bytes.subarray(i, i + chunkSize)));
  return [...out, ...decoder.end()];
}

describe('encrypted P1 (general-glo-ciphering)', () => {
  it('decrypts, authenticates and decodes the telegram inside, byte by byte', () => {
    const [out, ...rest] = decode(encrypted(), { key, authKey }, 1);
    expect(rest).toEqual([]);
    expect(out!.ok).toBe(true);
    const message = (out as { message: ObisMessage }).message;
    expect(message.meterId).toBe(AM550_SERIAL);
    expect(message.info.encrypted).toBe(true);
    expect(message.info.systemTitle).toBe('5341470500112233');
    expect(message.values.find((v) => v.obis === '1-0:1.8.1')?.value).toBe(2130.115);
  });

  it('finds ciphered frames among plaintext telegrams and garbage', () => {
    const stream = concat(Uint8Array.of(0x00, 0xff), encrypted(1), am550Telegram(), encrypted(2), Uint8Array.of(0x0d));
    const outputs = decode(stream, { key, authKey }, 13);
    expect(outputs.map((o) => (o.ok ? (o.message.info.encrypted ?? false) : o.error.kind))).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('says a key is needed when none is set', () => {
    const [out] = decode(encrypted(), {});
    expect(out!.ok).toBe(false);
    if (out!.ok) return;
    expect(out!.error.kind).toBe('decrypt');
    expect(out!.error.message).toMatch(/key/i);
  });

  it('reports a wrong key or a damaged frame as a decrypt error, and decodes the next frame', () => {
    const wrongKey = key.map((b) => b ^ 0xff);
    expect(decode(encrypted(), { key: wrongKey, authKey }).map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual([
      'decrypt',
    ]);
    const damaged = encrypted();
    damaged[40] = damaged[40]! ^ 0x01;
    const outputs = decode(concat(damaged, encrypted()), { key, authKey });
    expect(outputs.map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual(['decrypt', 'ok']);
  });

  it('leaves a ciphered DLMS push to the DLMS decoder', () => {
    const push = Uint8Array.of(0x0f, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x02, 0x09, 0x01, 0x2f, 0x11, 0x21);
    const frame = encipherApdu(push, { key, authKey, systemTitle, invocationCounter: 7 });
    expect(decode(frame, { key, authKey }).map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual(['unsupported']);
  });

  it('reports a ciphered frame the stream ends inside as truncated', () => {
    const frame = encrypted();
    expect(
      decode(frame.subarray(0, frame.length - 5), { key, authKey }).map((o) => (o.ok ? 'ok' : o.error.kind)),
    ).toEqual(['truncated']);
  });
});
