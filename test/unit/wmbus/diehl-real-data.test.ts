/**
 * Diehl real data (security mode 16-31 from DME, HYD, SAP): the A-field's version and type before the ID, the data
 * XORed with the PRIOS register stream under a default key. Frames built here from our encoder's plain frames.
 */
import { describe, expect, it } from 'vitest';
import { realDataXor, REAL_DATA_KEYS } from '../../../shared/protocols/wmbus/diehl-real-data.ts';
import { decodeFrame } from '../../../shared/protocols/wmbus/index.ts';
import { heatFrame, only } from './fixtures.ts';

/** Data starts after L, C, M, A, CI, access number, status and the two configuration bytes. */
const DATA_AT = 15;

/** A heat meter's plain frame made into real data: mode 21, A-field reordered, data XORed under `key`. */
function realDataFrame(manufacturer: string, key: readonly [number, number]): Uint8Array {
  const frame = heatFrame({ address: { manufacturer, id: '68926025', version: 0x20, deviceType: 0x04 } });
  const [version, type] = [frame[8]!, frame[9]!];
  frame.copyWithin(6, 4, 8);
  frame[4] = version;
  frame[5] = type;
  frame[13] = 0x45; // four blocks' worth announced, as the Sharky 775 does
  frame[14] = 0x75; // mode 21, synchronous and accessible bits set
  frame.set(realDataXor(key, frame, DATA_AT), DATA_AT);
  return frame;
}

describe('Diehl real data', () => {
  it.each(REAL_DATA_KEYS.map((k, i) => [i, k] as const))('decodes under default key %i', (_, key) => {
    const m = only([decodeFrame(realDataFrame('HYD', key))]);
    expect(m.device).toMatchObject({ id: '68926025', version: 0x20, manufacturer: 'HYD', medium: 'Heat: Outlet' });
    expect(m.info).toMatchObject({ encrypted: true, transport: 'wmbus' });
    expect(m.info.device).toBeUndefined();
    expect(m.values.map((v) => v.value)).toEqual([4321000, 55.5, 31.2]);
  });

  it('is a decrypt error naming the meter under any other key', () => {
    const output = decodeFrame(realDataFrame('HYD', [0x01234567, 0x89abcdef]));
    expect(output).toMatchObject({ ok: false, error: { kind: 'decrypt', meterId: '68926025' } });
  });

  it("is only Diehl's: another manufacturer with mode 21 stays unsupported", () => {
    const output = decodeFrame(realDataFrame('KAM', REAL_DATA_KEYS[1]!));
    expect(output).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
  });

  it('never throws on damaged real data: a message or a typed error', () => {
    const frame = realDataFrame('HYD', REAL_DATA_KEYS[0]!);
    for (let at = 0; at < frame.length; at++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const damaged = Uint8Array.from(frame);
        damaged[at]! ^= flip;
        const output = decodeFrame(damaged);
        expect(output.ok || typeof output.error.kind === 'string').toBe(true);
      }
      const cut = decodeFrame(frame.subarray(0, at));
      expect(cut.ok || typeof cut.error.kind === 'string').toBe(true);
    }
  });
});
