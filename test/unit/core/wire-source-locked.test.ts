/**
 * A source's locked meters: every meter whose frames fail to decrypt is counted by its ID (a stick hears several, the
 * neighbours' too), bounded, and leaves the list once a frame of it decodes; the UI asks for these meters' keys.
 */
import { describe, expect, it } from 'vitest';
import { WireSource } from '../../../electron/core/service/wire-source.ts';
import { FedBytes } from '../../helpers/fed-bytes.ts';
import type { DecoderOptions } from '../../../shared/protocols/types.ts';
import { heatFrame, KEY, OTHER_KEY, waterFrame } from '../wmbus/fixtures.ts';
import { encodeWmbusFrame } from '../../../shared/protocols/wmbus/encode.ts';

function stick(keys: Record<string, Uint8Array> = {}) {
  const bytes = new FedBytes();
  const options: DecoderOptions = { meterKey: (id) => keys[id] };
  return { bytes, wire: new WireSource('stick', 'serial:test', bytes, 'wmbus', options) };
}

const water = waterFrame({ security: { mode: 5, key: KEY } }); // meter 12345678
const heat = heatFrame({ security: { mode: 5, key: KEY } }); // meter 87654321

describe('WireSource locked meters', () => {
  it('counts each meter whose frames fail to decrypt, newest last', () => {
    const { bytes, wire } = stick();
    bytes.feed(water);
    bytes.feed(heat);
    bytes.feed(water);
    expect(wire.counters.lockedMeters).toEqual([
      { meterId: '87654321', errors: 1, message: expect.any(String) },
      { meterId: '12345678', errors: 2, message: expect.any(String) },
    ]);
    expect(wire.counters.decryptErrors).toBe(3);
  });

  it('leaves a meter out once a frame of it decodes, and names a wrong key in its message', () => {
    const { bytes, wire } = stick({ '12345678': KEY, '87654321': OTHER_KEY });
    bytes.feed(heat);
    bytes.feed(water);
    expect(wire.counters.lockedMeters?.map((m) => m.meterId)).toEqual(['87654321']);
    expect(wire.counters.lockedMeters![0]!.message).toMatch(/key/);
  });

  it('keeps at most 32 meters, the ones heard last', () => {
    const { bytes, wire } = stick();
    for (let n = 0; n < 40; n++) {
      const id = String(10_000_000 + n);
      bytes.feed(
        encodeWmbusFrame({
          address: { manufacturer: 'KAM', id, version: 0x1b, deviceType: 0x07 },
          accessNumber: n,
          records: [{ coding: 'int32', vib: [0x13], value: n }],
          security: { mode: 5, key: KEY },
        }),
      );
    }
    const ids = wire.counters.lockedMeters!.map((m) => m.meterId);
    expect(ids).toHaveLength(32);
    expect(ids.at(-1)).toBe('10000039');
    expect(ids).not.toContain('10000007');
  });
});
