import { createCipheriv } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cipheredApduLength,
  decipherApdu,
  encipherApdu,
  isCipheredApdu,
  type DecipherResult,
} from '../../../shared/protocols/dlms/ciphering.ts';

const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();
const concat = (...parts: ArrayLike<number>[]) => new Uint8Array(parts.flatMap((part) => Array.from(part)));

// Green Book (DLMS UA 1000-2) security examples: global keys, server system title, a GET of clock attribute 2.
const EK = hex('000102030405060708090A0B0C0D0E0F');
const AK = hex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const TITLE = hex('4D4D4D0000BC614E');
const IC = 0x01234567;
const GET_CLOCK = hex('C0010000080000010000FF0200');
const CONTENT = {
  0x30: '30 01234567 411312FF935A47566827C467BC 7D825C3BE4A77C3FCC056B6B',
  0x10: '10 01234567 C0010000080000010000FF0200 06725D910F9221D263877516',
  0x20: '20 01234567 411312FF935A47566827C467BC',
} as const;
const glo = (sc: keyof typeof CONTENT) =>
  hex(`DB 08 4D4D4D0000BC614E ${hex(CONTENT[sc]).length.toString(16)} ${CONTENT[sc]}`);
const keys = { key: EK, authKey: AK };

function expectOk(result: DecipherResult) {
  if (!result.ok) throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result;
}

function expectError(result: DecipherResult, kind: string, message?: RegExp) {
  if (result.ok) throw new Error('expected an error, got a plaintext');
  expect(result.error.kind).toBe(kind);
  if (message) expect(result.error.message).toMatch(message);
}

const flip = (bytes: Uint8Array, index: number) => {
  const copy = Uint8Array.from(bytes);
  copy[index < 0 ? copy.length + index : index]! ^= 0x01;
  return copy;
};

describe('decipherApdu', () => {
  it.each([
    [0x30, true],
    [0x10, true],
    [0x20, false],
  ] as const)('deciphers the Green Book example with security control 0x%s', (sc, authenticated) => {
    const result = expectOk(decipherApdu(glo(sc), keys));
    expect(toHex(result.plaintext)).toBe(toHex(GET_CLOCK));
    expect(result).toMatchObject({ securityControl: sc, invocationCounter: IC, authenticated });
    expect(toHex(result.systemTitle)).toBe(toHex(TITLE));
  });

  it('deciphers a service-specific glo-get-request given the system title of the association', () => {
    const apdu = hex(`C8 1E ${CONTENT[0x30]}`);
    expect(toHex(expectOk(decipherApdu(apdu, { ...keys, systemTitle: TITLE })).plaintext)).toBe(toHex(GET_CLOCK));
    expectError(decipherApdu(apdu, keys), 'decrypt', /no system title: set the meter's system title/);
  });

  it('deciphers an authenticated frame without the GAK, reporting it as not authenticated', () => {
    for (const sc of [0x30, 0x10] as const) {
      const result = expectOk(decipherApdu(glo(sc), { key: EK }));
      expect(result.authenticated).toBe(false);
      expect(toHex(result.plaintext)).toBe(toHex(GET_CLOCK));
    }
  });

  it('asks for the encryption key when none is given', () => {
    expectError(decipherApdu(glo(0x30), {}), 'decrypt', /the frame is encrypted: set the encryption key \(GUEK\)/);
    expectError(decipherApdu(glo(0x10), { authKey: AK }), 'decrypt', /needs the encryption key \(GUEK\)/);
    const broadcast = encipherApdu(GET_CLOCK, {
      ...keys,
      systemTitle: TITLE,
      invocationCounter: 1,
      securityControl: 0x60,
    });
    expectError(decipherApdu(broadcast, {}), 'decrypt', /\(GBEK\)/);
  });

  it('names the key whose length is wrong', () => {
    expectError(
      decipherApdu(glo(0x20), { key: EK.subarray(0, 15) }),
      'decrypt',
      /encryption key must be 16 bytes.*got 15/,
    );
    expectError(decipherApdu(glo(0x30), { key: EK, authKey: new Uint8Array(32) }), 'decrypt', /authentication key/);
  });

  it.each([
    ['a wrong encryption key', { key: flip(EK, 3), authKey: AK }, glo(0x30)],
    ['a wrong authentication key', { key: EK, authKey: flip(AK, 0) }, glo(0x30)],
    ['a changed tag', keys, flip(glo(0x30), -1)],
    ['a changed ciphertext', keys, flip(glo(0x30), 20)],
    ['a changed invocation counter', keys, flip(glo(0x30), 15)],
    ['a changed system title', keys, flip(glo(0x30), 9)],
    ['a changed plaintext (authentication only)', keys, flip(glo(0x10), 20)],
  ])('fails authentication with %s', (_name, k, apdu) => {
    expectError(
      decipherApdu(apdu, k),
      'decrypt',
      /^authentication failed: check the encryption key and the authentication key$/,
    );
  });

  it('reports a truncated APDU, from a missing tag byte to a bare tag', () => {
    const apdu = glo(0x30);
    expectError(decipherApdu(apdu.subarray(0, apdu.length - 1), keys), 'truncated', /40 of 41 bytes/);
    for (let length = 0; length < 11; length++) {
      expectError(decipherApdu(apdu.subarray(0, length), keys), 'truncated', /header is incomplete/);
    }
  });

  it('rejects compression and security suites other than 0 and 1', () => {
    const with_ = (sc: number) => hex(`DB 08 4D4D4D0000BC614E 1E ${sc.toString(16)} ${CONTENT[0x30].slice(3)}`);
    expectError(decipherApdu(with_(0xb0), keys), 'unsupported', /compressed/);
    expectError(decipherApdu(with_(0x32), keys), 'unsupported', /security suite 2/);
  });

  it('rejects malformed ciphered APDUs as syntax errors', () => {
    expectError(decipherApdu(hex('0F 00000001 0C'), keys), 'syntax', /not a ciphered APDU \(tag 0x0F\)/);
    expectError(decipherApdu(hex('DB 07 4D4D4D0000BC61 05 2000000001'), keys), 'syntax', /system title is 7 bytes/);
    expectError(decipherApdu(hex('DB 08 4D4D4D0000BC614E 03 300000'), keys), 'syntax', /security header/);
    expectError(decipherApdu(hex('DB 08 4D4D4D0000BC614E 08 30 00000001 AABBCC'), keys), 'syntax', /tag/);
    expectError(decipherApdu(hex('DB 08 4D4D4D0000BC614E 80 30'), keys), 'syntax', /length field/);
  });

  it('returns copies that do not alias the input', () => {
    const apdu = glo(0x10);
    const result = expectOk(decipherApdu(apdu, {}));
    apdu.fill(0);
    expect(toHex(result.plaintext)).toBe(toHex(GET_CLOCK));
    expect(toHex(result.systemTitle)).toBe(toHex(TITLE));
  });
});

describe('general-ciphering (0xDD)', () => {
  // transaction-id, originator and recipient system titles, date-time, other-information: each length + value.
  const fields = hex('04 0A0B0C0D 08 4D4D4D0000BC614E 08 4D4D4D0000000001 0C 07EA0B1A04 0A1E00 FF800000 02 CAFE');
  const sc = 0x30;
  const icBytes = hex('00000007');
  const seal = (aad: Uint8Array) => {
    const cipher = createCipheriv('aes-128-gcm', EK, concat(TITLE, icBytes), { authTagLength: 12 });
    cipher.setAAD(aad);
    return concat(cipher.update(GET_CLOCK), cipher.final(), cipher.getAuthTag());
  };
  // The Green Book puts the five header fields, encoded, after SC || AK in the AAD.
  const body = seal(concat([sc], AK, fields));
  const content = concat([sc], icBytes, body);
  const apdu = (keyInfo: string) => concat([0xdd], fields, hex(keyInfo), [content.length], content);

  it('deciphers with the originator system title and the header fields in the AAD', () => {
    const result = expectOk(decipherApdu(apdu('01 00 00'), keys));
    expect(toHex(result.plaintext)).toBe(toHex(GET_CLOCK));
    expect(toHex(result.systemTitle)).toBe(toHex(TITLE));
    expect(result).toMatchObject({ invocationCounter: 7, authenticated: true });
    expect(cipheredApduLength(apdu('01 00 00'))).toBe(apdu('01 00 00').length);
  });

  it('fails authentication when a header field was changed', () => {
    const changedDate = apdu('00');
    changedDate[1 + 5 + 9 + 9 + 3]! ^= 0x01;
    expectError(decipherApdu(changedDate, keys), 'decrypt', /authentication failed/);
  });

  it('measures but does not decipher APDUs that carry a wrapped or agreed key', () => {
    for (const keyInfo of ['01 01 00 03 AABBCC', '01 02 01 AA 02 BBCC']) {
      expect(cipheredApduLength(apdu(keyInfo))).toBe(apdu(keyInfo).length);
      expectError(decipherApdu(apdu(keyInfo), keys), 'unsupported', /wrapped or agreed key/);
    }
    expectError(decipherApdu(apdu('01 03'), keys), 'syntax', /key-info/);
  });

  it('passes an unprotected content (security control 0x00) through without keys', () => {
    const plain = concat([0xdd], fields, [0, 5 + GET_CLOCK.length, 0], [0, 0, 0, 1], GET_CLOCK);
    const result = expectOk(decipherApdu(plain, {}));
    expect(toHex(result.plaintext)).toBe(toHex(GET_CLOCK));
    expect(result.authenticated).toBe(false);
  });
});

describe('encipherApdu', () => {
  it.each([0x30, 0x10, 0x20] as const)('builds the Green Book example with security control 0x%s', (sc) => {
    const apdu = encipherApdu(GET_CLOCK, { ...keys, systemTitle: TITLE, invocationCounter: IC, securityControl: sc });
    expect(toHex(apdu)).toBe(toHex(glo(sc)));
  });

  it('round-trips general-ciphering and long plaintexts with 0x81/0x82 lengths', () => {
    for (const length of [0, 100, 200, 1000]) {
      const plaintext = new Uint8Array(length).map((_, i) => i);
      for (const tag of [0xdb, 0xdd] as const) {
        const apdu = encipherApdu(plaintext, { ...keys, systemTitle: TITLE, invocationCounter: 9, tag });
        expect(cipheredApduLength(apdu)).toBe(apdu.length);
        expect(toHex(expectOk(decipherApdu(apdu, keys)).plaintext)).toBe(toHex(plaintext));
      }
    }
    const long = encipherApdu(new Uint8Array(1000), { ...keys, systemTitle: TITLE, invocationCounter: 9 });
    expect(toHex(long.subarray(10, 13))).toBe('8203F9');
  });

  it('rejects options that cannot make a valid APDU', () => {
    const base = { ...keys, systemTitle: TITLE, invocationCounter: 1 };
    expect(() => encipherApdu(GET_CLOCK, { ...base, securityControl: 0x00 })).toThrow(RangeError);
    expect(() => encipherApdu(GET_CLOCK, { ...base, securityControl: 0x32 })).toThrow(RangeError);
    expect(() => encipherApdu(GET_CLOCK, { ...base, key: EK.subarray(1) })).toThrow(RangeError);
    expect(() => encipherApdu(GET_CLOCK, { ...base, systemTitle: TITLE.subarray(1) })).toThrow(RangeError);
    expect(() => encipherApdu(GET_CLOCK, { ...base, invocationCounter: 2 ** 32 })).toThrow(RangeError);
    expect(() => encipherApdu(GET_CLOCK, { key: EK, systemTitle: TITLE, invocationCounter: 1 })).toThrow(RangeError);
  });
});

describe('isCipheredApdu and cipheredApduLength', () => {
  it('recognises the ciphering tags', () => {
    for (const tag of [0xdb, 0xdc, 0xdd, 0xc8, 0xcf, 0xd7]) expect(isCipheredApdu(Uint8Array.of(tag))).toBe(true);
    for (const tag of [0x0f, 0xc4, 0xce, 0xd6, 0x2f, 0x7e]) expect(isCipheredApdu(Uint8Array.of(tag))).toBe(false);
    expect(isCipheredApdu(new Uint8Array(0))).toBe(false);
  });

  it('knows the total length once the header is in, and null before', () => {
    const apdu = encipherApdu(new Uint8Array(300), { ...keys, systemTitle: TITLE, invocationCounter: 1 });
    for (let length = 0; length <= apdu.length; length++) {
      expect(cipheredApduLength(apdu.subarray(0, length))).toBe(length < 13 ? null : apdu.length);
    }
  });

  it('returns 0 for bytes that cannot be a ciphered APDU', () => {
    for (const bytes of [
      '0F 00',
      'DB 07 4D4D4D0000BC61',
      'DB 08 4D4D4D0000BC614E 80',
      'DB 08 4D4D4D0000BC614E 85 0000000001',
      'DB 08 4D4D4D0000BC614E 83 010000',
      'DD 00 00 00 00 00 02',
    ]) {
      expect(cipheredApduLength(hex(bytes))).toBe(0);
    }
  });
});

describe('properties', () => {
  const keyArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
  const sealedArb = fc.record({
    plaintext: fc.uint8Array({ maxLength: 300 }),
    key: keyArb,
    authKey: keyArb,
    systemTitle: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    invocationCounter: fc.nat({ max: 0xffffffff }),
    securityControl: fc.constantFrom(0x10, 0x20, 0x30, 0x70),
    tag: fc.constantFrom(0xdb as const, 0xdd as const),
  });

  it('deciphers whatever it enciphers', () => {
    fc.assert(
      fc.property(sealedArb, (opts) => {
        const result = expectOk(decipherApdu(encipherApdu(opts.plaintext, opts), opts));
        expect(toHex(result.plaintext)).toBe(toHex(opts.plaintext));
        expect(result.authenticated).toBe((opts.securityControl & 0x10) !== 0);
        expect(result.invocationCounter).toBe(opts.invocationCounter);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on mutated APDUs, and never authenticates a plaintext that was not sent', () => {
    const mutation = fc.record({
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
      op: fc.constantFrom('set', 'cut', 'insert'),
    });
    fc.assert(
      fc.property(sealedArb, fc.array(mutation, { minLength: 1, maxLength: 3 }), (opts, mutations) => {
        let bytes = Array.from(encipherApdu(opts.plaintext, { ...opts, securityControl: 0x30 }));
        for (const { at, value, op } of mutations) {
          const i = at % (bytes.length + 1);
          if (op === 'set') bytes[i] = value;
          else if (op === 'cut') bytes = bytes.slice(0, i);
          else bytes.splice(i, 0, value);
        }
        const apdu = Uint8Array.from(bytes);
        const length = cipheredApduLength(apdu);
        expect(length === null || Number.isInteger(length)).toBe(true);
        const result = decipherApdu(apdu, opts);
        if (!result.ok) expect(['truncated', 'decrypt', 'unsupported', 'syntax']).toContain(result.error.kind);
        // A mutated security control byte may drop the authentication bit: then the result says it is unverified.
        else if (result.authenticated) expect(toHex(result.plaintext)).toBe(toHex(opts.plaintext));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on random bytes behind a ciphering tag', () => {
    const tagArb = fc.constantFrom(0xdb, 0xdc, 0xdd, 0xc8, 0x0f);
    fc.assert(
      fc.property(tagArb, fc.uint8Array({ maxLength: 80 }), keyArb, (tag, rest, key) => {
        const apdu = concat([tag], rest);
        const length = cipheredApduLength(apdu);
        expect(length === null || (Number.isInteger(length) && length >= 0 && length <= 0x10000 + 100)).toBe(true);
        const result = decipherApdu(apdu, { key, authKey: key, systemTitle: TITLE });
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});

// Real captures: each encrypted case of the shared corpus, reached without a framer where the layout is simple.
const corpus = new URL('../../../../shared/corpus/', import.meta.url);

interface CorpusCase {
  id: string;
  protocol: string;
  file: string;
  key?: string;
  authKey?: string;
  expected: { values?: { obis: string | null; value: unknown }[] };
}

/** Test-only: the information fields of the HDLC frames (7E A0.. 7E) of a capture, from their length fields. */
function hdlcInformation(bytes: Uint8Array): Uint8Array[] {
  const fields: Uint8Array[] = [];
  for (let i = 0; i + 2 < bytes.length;) {
    if (bytes[i] !== 0x7e || (bytes[i + 1]! & 0xf0) !== 0xa0) {
      i++;
      continue;
    }
    const length = ((bytes[i + 1]! & 0x07) << 8) | bytes[i + 2]!;
    const frame = bytes.subarray(i + 1, i + 1 + length);
    let p = 2;
    while (!(frame[p]! & 1)) p++; // destination address: the last byte has bit 0 set
    p++;
    while (!(frame[p]! & 1)) p++; // source address
    p += 4; // its last byte, control, HCS
    fields.push(frame.subarray(p, length - 2));
    i += 1 + length;
  }
  return fields;
}

/** Test-only: the APDU inside HDLC information fields: LLC header off, general-block-transfer blocks joined. */
function apduFromHdlc(bytes: Uint8Array): Uint8Array {
  const fields = hdlcInformation(bytes).map((f) => (f[0] === 0xe6 && f[1] === 0xe7 ? f.subarray(3) : f));
  if (fields[0]![0] !== 0xe0) return fields[0]!;
  // GBT: E0, block control, block number (2), acknowledged block number (2), block data with a BER length.
  return concat(...fields.map((f) => (f[6]! < 0x80 ? f.subarray(7) : f.subarray(7 + (f[6]! & 0x7f)))));
}

/** Test-only: DLMS over wired M-Bus: C, A, CI and two TSAP bytes precede each APDU segment. */
function apduFromMbus(bytes: Uint8Array): Uint8Array {
  const segments: Uint8Array[] = [];
  for (let i = 0; bytes[i] === 0x68; i += bytes[i + 1]! + 6)
    segments.push(bytes.subarray(i + 9, i + 4 + bytes[i + 1]!));
  return concat(...segments);
}

function cipheredApdu(bytes: Uint8Array): Uint8Array {
  if (bytes[0] === 0x7e) return apduFromHdlc(bytes);
  if (bytes[0] === 0x68) return apduFromMbus(bytes);
  return bytes;
}

describe.skipIf(!existsSync(new URL('manifest.json', corpus)))('the encrypted captures of the corpus', () => {
  const cases = (
    existsSync(new URL('manifest.json', corpus))
      ? (JSON.parse(readFileSync(new URL('manifest.json', corpus), 'utf8')) as CorpusCase[])
      : []
  ).filter((c) => c.key !== undefined);

  it('has encrypted cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(7);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s deciphers', (_id, c) => {
    const apdu = cipheredApdu(new Uint8Array(readFileSync(new URL(c.file, corpus))));
    expect(cipheredApduLength(apdu)).toBe(apdu.length);
    const result = expectOk(decipherApdu(apdu, { key: hex(c.key!), authKey: c.authKey ? hex(c.authKey) : undefined }));
    expect(result.authenticated).toBe(c.authKey !== undefined && (result.securityControl & 0x10) !== 0);
    const text = Buffer.from(result.plaintext).toString('latin1');
    if (c.protocol === 'dsmr') {
      expect(text).toMatch(/^\/[\s\S]*\r\n![0-9A-F]{4}\r\n$/);
      for (const value of c.expected.values ?? []) expect(text).toContain(`${value.obis}(`);
    } else {
      expect(result.plaintext[0]).toBe(0x0f); // data-notification
      const strings = (c.expected.values ?? []).filter((v) => typeof v.value === 'string');
      for (const value of strings) expect(text).toContain(value.value);
    }
    if (c.authKey) {
      const wrong = { key: hex(c.key!), authKey: flip(hex(c.authKey), 0) };
      expectError(decipherApdu(apdu, wrong), 'decrypt', /authentication failed/);
    }
  });
});
