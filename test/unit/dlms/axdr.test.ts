import { describe, expect, it } from 'vitest';
import { decodeData, type DlmsData } from '../../../shared/protocols/dlms/axdr.ts';
import { encodeData } from '../../../shared/protocols/dlms/encode.ts';

const samples: DlmsData[] = [
  { type: 'null' },
  { type: 'boolean', value: true },
  { type: 'bit-string', value: '1011000111' },
  { type: 'double-long', value: -123456789 },
  { type: 'double-long-unsigned', value: 4000000000 },
  { type: 'octet-string', value: Uint8Array.of(1, 2, 3) },
  { type: 'visible-string', value: 'KFM_001' },
  { type: 'utf8-string', value: 'Zähler' },
  { type: 'bcd', value: 0x42 },
  { type: 'integer', value: -3 },
  { type: 'long', value: -2000 },
  { type: 'unsigned', value: 200 },
  { type: 'long-unsigned', value: 65000 },
  { type: 'long64', value: -5_000_000_000 },
  { type: 'long64-unsigned', value: 2n ** 63n },
  { type: 'enum', value: 30 },
  { type: 'float32', value: 1.5 },
  { type: 'float64', value: -0.125 },
  { type: 'date-time', value: new Uint8Array(12).fill(7) },
  { type: 'date', value: Uint8Array.of(7, 232, 1, 2, 3) },
  { type: 'time', value: Uint8Array.of(12, 30, 0, 0) },
  {
    type: 'array',
    items: [
      { type: 'unsigned', value: 1 },
      { type: 'unsigned', value: 2 },
    ],
  },
  { type: 'structure', items: [{ type: 'null' }, { type: 'structure', items: [{ type: 'enum', value: 1 }] }] },
];

describe('A-XDR', () => {
  for (const sample of samples) {
    it(`round-trips ${sample.type}`, () => {
      const bytes = encodeData(sample);
      expect(decodeData(bytes)).toEqual({ ok: true, value: sample, end: bytes.length });
    });
  }

  it('reads long lengths (0x81, 0x82 forms)', () => {
    const value: DlmsData = { type: 'octet-string', value: new Uint8Array(300).fill(9) };
    const bytes = encodeData(value);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x09, 0x82, 0x01, 0x2c]);
    expect(decodeData(bytes)).toMatchObject({ ok: true, value });
  });

  it('reads a compact array of structures', () => {
    // compact-array, type: structure{long-unsigned, integer}, contents of 6 bytes = two elements
    const bytes = Uint8Array.of(0x13, 0x02, 0x02, 0x12, 0x0f, 0x06, 0x00, 0x0a, 0xff, 0x01, 0x00, 0x02);
    expect(decodeData(bytes)).toEqual({
      ok: true,
      end: bytes.length,
      value: {
        type: 'array',
        items: [
          {
            type: 'structure',
            items: [
              { type: 'long-unsigned', value: 10 },
              { type: 'integer', value: -1 },
            ],
          },
          {
            type: 'structure',
            items: [
              { type: 'long-unsigned', value: 256 },
              { type: 'integer', value: 2 },
            ],
          },
        ],
      },
    });
  });

  it('reports cut-short values as truncated', () => {
    for (const bytes of [
      [0x06, 0x00, 0x01],
      [0x09, 0x05, 0x41],
      [0x02, 0x03, 0x11, 0x01],
      [0x09, 0x82, 0x01],
    ]) {
      expect(decodeData(Uint8Array.from(bytes)), bytes.join(' ')).toMatchObject({
        ok: false,
        error: { kind: 'truncated' },
      });
    }
  });

  it('reports unknown tags and over-deep nesting as syntax errors', () => {
    expect(decodeData(Uint8Array.of(0x07))).toMatchObject({ ok: false, error: { kind: 'syntax' } });
    const deep = new Uint8Array(200);
    for (let i = 0; i < 200; i += 2) deep.set([0x02, 0x01], i);
    expect(decodeData(deep)).toMatchObject({ ok: false, error: { kind: 'syntax' } });
  });

  it('reads the Czech untagged descriptor only when asked', () => {
    const bytes = Uint8Array.of(0x02, 0x02, 0x00, 0x03, 1, 0, 1, 8, 0, 255, 0x02, 0x06, 0, 0, 0, 5);
    expect(decodeData(bytes)).not.toMatchObject({ ok: true, end: bytes.length }); // strictly, it is something else
    expect(decodeData(bytes, 0, { descriptors: true })).toMatchObject({
      ok: true,
      value: { type: 'structure', items: [{ type: 'descriptor', classId: 3, attribute: 2 }, { value: 5 }] },
    });
  });
});
