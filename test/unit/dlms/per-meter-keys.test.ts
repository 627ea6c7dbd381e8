/** Several encrypted meters on one bus, each with its own key, found by the system title of each frame. */
import { describe, expect, it } from 'vitest';
import { createDlmsDecoder } from '../../../shared/protocols/dlms/index.ts';
import { encodePush, obisData } from '../../../shared/protocols/dlms/encode.ts';
import { toHex } from '../../../shared/protocols/hex.ts';

const titleA = Uint8Array.from([0x4c, 0x47, 0x5a, 0x67, 0x73, 1, 2, 3]);
const titleB = Uint8Array.from([0x4c, 0x47, 0x5a, 0x67, 0x73, 9, 9, 9]);
const keyA = new Uint8Array(16).fill(0xa1);
const keyB = new Uint8Array(16).fill(0xb2);

function push(systemTitle: Uint8Array, key: Uint8Array, watts: number): Uint8Array {
  const body = {
    type: 'structure' as const,
    items: [obisData('1-0:1.7.0'), { type: 'double-long-unsigned' as const, value: watts }],
  };
  return encodePush(body, {
    transport: 'hdlc',
    cipher: { key, systemTitle, invocationCounter: 1, securityControl: 0x20 },
  });
}

describe('per-meter keys', () => {
  it('deciphers each meter with the key of its system title, and says which one has none', () => {
    const keys = new Map([
      [toHex(titleA), { key: keyA }],
      [toHex(titleB), { key: keyB }],
    ]);
    const decoder = createDlmsDecoder({ keysFor: (title) => keys.get(toHex(title)) });
    const out = [...decoder.push(push(titleA, keyA, 100)), ...decoder.push(push(titleB, keyB, 200))];
    const power = out.map(
      (o) => o.ok && o.message.protocol === 'dlms' && o.message.values.find((v) => v.obis === '1-0:1.7.0'),
    );
    expect(power.map((v) => v && v.value)).toEqual([100, 200]);

    const unknown = createDlmsDecoder({ keysFor: () => undefined }).push(push(titleA, keyA, 100));
    expect(unknown).toEqual([{ ok: false, error: expect.objectContaining({ kind: 'decrypt' }) }]);
  });

  it('says to check the key when a push without authentication tag deciphers to nothing readable', () => {
    const out = createDlmsDecoder({ key: keyB }).push(push(titleA, keyA, 100));
    expect(out).toEqual([
      { ok: false, error: { kind: 'decrypt', message: expect.stringContaining('check the encryption key') } },
    ]);
  });
});
