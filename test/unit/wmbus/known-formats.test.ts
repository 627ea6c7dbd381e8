/**
 * Compact frames of meter families that send no full frame (known-formats.ts): each row's headers give its signature,
 * and a compact frame of such a family decodes on its own, from the first telegram.
 */
import { describe, expect, it } from 'vitest';
import type { RecordSpec } from '../../../shared/protocols/mbus/encode.ts';
import { wmbusCrc } from '../../../shared/protocols/wmbus/crc.ts';
import { encodeWmbusFrame } from '../../../shared/protocols/wmbus/encode.ts';
import { decodeFrame } from '../../../shared/protocols/wmbus/index.ts';
import { KNOWN_FORMATS, knownHeaders } from '../../../shared/protocols/wmbus/known-formats.ts';
import { KEY } from './fixtures.ts';

describe('known compact-frame layouts', () => {
  it.each(KNOWN_FORMATS.map((f) => [f.meter, f] as const))('%s: the CRC of its headers is its signature', (_, f) => {
    expect(wmbusCrc(knownHeaders(f))).toBe(f.signature);
  });

  /** An Engelmann FAW as it sends: 20 records, month-end volumes in storages 2-16, compact, long header, mode 5. */
  const monthly: RecordSpec[] = Array.from({ length: 15 }, (_, i) => ({
    coding: 'int32',
    vib: [0x13],
    storage: i + 2,
    value: 200000 - i * 1000,
  }));
  const faw: RecordSpec[] = [
    { coding: 'int16', vib: [0x6c], storage: 1, data: [0x3f, 0x3c] },
    { coding: 'int32', vib: [0x13], storage: 1, value: 190000 },
    { coding: 'int8', vib: [0xfd, 0x17], value: 0 },
    ...monthly,
    { coding: 'int32', vib: [0x6d], data: [0x3a, 0x2b, 0x44, 0x35] },
    { coding: 'int32', vib: [0x13], value: 201234 },
  ];
  const fawFrame = (version: number) =>
    encodeWmbusFrame({
      address: { manufacturer: 'EFE', id: '11112222', version: 0x02, deviceType: 0x07 },
      header: 'long',
      meter: { manufacturer: 'EFE', id: '33334444', version, deviceType: 0x07 },
      records: faw,
      compact: true,
      security: { mode: 5, key: KEY },
    });

  it('an Engelmann FAW compact frame decodes without a full frame before it', () => {
    const frame = fawFrame(0x00);
    expect(frame[10]).toBe(0x73);
    const output = decodeFrame(frame, { key: KEY });
    if (!output.ok) throw new Error(output.error.message);
    expect(output.message.meterId).toBe('33334444');
    const volumes = output.message.values.filter((v) => v.unit === 'm3');
    expect(volumes).toHaveLength(17);
    expect(volumes.at(-1)).toMatchObject({ value: 201.234, storage: 0 });
    expect(volumes[1]).toMatchObject({ value: 200, storage: 2 });
  });

  it('another version of that family is not assumed to share its layout', () => {
    expect(decodeFrame(fawFrame(0x01), { key: KEY })).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
  });
});
