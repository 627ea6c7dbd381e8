/** EN 13757-4 framing: the CRC, formats A and B, frames without CRCs, damaged frames and garbage between frames. */
import { describe, expect, it } from 'vitest';
import { wmbusCrc } from '../../../shared/protocols/wmbus/crc.ts';
import { addCrcs, formatALength } from '../../../shared/protocols/wmbus/link.ts';
import { WmbusFramer } from '../../../shared/protocols/wmbus/framer.ts';
import { concat, decodeAll, heatFrame, only, waterFrame } from './fixtures.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('wireless M-Bus link layer', () => {
  it('computes CRC-16/EN-13757 (check value of "123456789" is 0xC2B7)', () => {
    expect(wmbusCrc(text('123456789'))).toBe(0xc2b7);
  });

  it('sizes format A frames: a 10-byte first block, then blocks of 16, each with its CRC', () => {
    const plain = waterFrame();
    const a = addCrcs(plain, 'A');
    expect(a.length).toBe(formatALength(plain[0]!));
    expect(a.length).toBe(plain.length + 2 * (1 + Math.ceil((plain.length - 10) / 16)));
  });

  it.each(['A', 'B'] as const)('strips the format %s CRCs: the frame decodes as without them', (format) => {
    const plain = waterFrame();
    const framed = new WmbusFramer().push(addCrcs(plain, format));
    expect(framed).toEqual([{ frame: plain, format }]);
  });

  it('reads a long format B frame whose data runs into the third block', () => {
    const records = Array.from({ length: 24 }, (_, i) => ({
      coding: 'int32' as const,
      vib: [0x13],
      value: i,
      storage: i,
    }));
    const plain = waterFrame({ records });
    expect(plain.length).toBeGreaterThan(128);
    expect(new WmbusFramer().push(addCrcs(plain, 'B'))).toEqual([{ frame: plain, format: 'B' }]);
  });

  it('keeps the format of the stream and decodes frames without CRCs back to back, split anywhere', () => {
    const stream = concat([waterFrame(), heatFrame(), waterFrame()]);
    const whole = decodeAll([stream]);
    const bytewise = decodeAll(Array.from(stream, (b) => Uint8Array.of(b)));
    expect(whole.map((o) => o.ok && o.message.meterId)).toEqual(['12345678', '87654321', '12345678']);
    expect(bytewise).toEqual(whole);
  });

  it('reports a frame damaged on the air as a crc error and finds the next one', () => {
    const damaged = addCrcs(waterFrame(), 'A');
    damaged[20]! ^= 0x01;
    const outputs = decodeAll([damaged, addCrcs(heatFrame(), 'A')]);
    expect(outputs.map((o) => (o.ok ? o.message.meterId : o.error.kind))).toEqual(['crc', '87654321']);
  });

  it('skips bytes that start no frame in a CRC stream, reporting them once', () => {
    const outputs = decodeAll([addCrcs(waterFrame(), 'A'), Uint8Array.of(0x00, 0x01, 0x02), addCrcs(heatFrame(), 'A')]);
    expect(outputs.map((o) => (o.ok ? o.message.meterId : o.error.kind))).toEqual(['12345678', 'syntax', '87654321']);
  });

  it('finds frames without CRCs again after garbage: a length byte must be followed by a C-field', () => {
    const garbage = Uint8Array.of(0x00, 0x0c, 0xff, 0x31, 0x99);
    const outputs = decodeAll([garbage, waterFrame(), heatFrame()]);
    expect(outputs.map((o) => (o.ok ? o.message.meterId : o.error.kind))).toEqual(['syntax', '12345678', '87654321']);
  });

  it('reports a stream that ends inside a frame as truncated', () => {
    const frame = waterFrame();
    const outputs = decodeAll([frame, frame.subarray(0, 20)]);
    expect(only(outputs.slice(0, 1)).meterId).toBe('12345678');
    expect(outputs.slice(1).map((o) => !o.ok && o.error.kind)).toEqual(['truncated']);
  });
});
