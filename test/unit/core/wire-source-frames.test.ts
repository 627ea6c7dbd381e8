/** The diagnostics' frame ring: the last frames of a source, as hex with their decode tree, made only when asked. */
import { describe, expect, it } from 'vitest';
import { FRAME_RING, WireSource } from '../../../electron/core/service/wire-source.ts';
import { FedBytes } from '../../helpers/fed-bytes.ts';
import { toHex } from '../../../shared/protocols/hex.ts';
import { dsmr5Telegram, METER_ID } from '../../helpers/dsmr-telegram.ts';

function source() {
  const bytes = new FedBytes();
  let now = 1_700_000_000;
  const wire = new WireSource('p1', 'tcp:test', bytes, 'dsmr', {}, () => now++);
  return { bytes, wire };
}

describe('WireSource recent frames', () => {
  it('keeps the last frames, oldest first, each with its hex and decoded values', () => {
    const { bytes, wire } = source();
    for (let i = 0; i < FRAME_RING + 3; i++) bytes.feed(dsmr5Telegram(1000 + i));
    const frames = wire.recentFrames();
    expect(frames).toHaveLength(FRAME_RING);
    expect(frames[0]!.hex).toBe(toHex(dsmr5Telegram(1003)));
    expect(frames.at(-1)!.at).toBeGreaterThan(frames[0]!.at);
    const decoded = frames.at(-1)!.decoded!;
    expect(decoded.meterId).toBe(METER_ID);
    expect(decoded.values).toContainEqual(expect.objectContaining({ obis: '1-0:1.8.1', value: 1012, unit: 'kWh' }));
    expect(wire.counters.lastRaw).toBe(frames.at(-1)!.hex);
  });

  it('keeps no frame that failed (it is counted), and a frame cut in chunks whole', () => {
    const { bytes, wire } = source();
    const good = dsmr5Telegram();
    const bad = dsmr5Telegram(7);
    bad[bad.length - 3] = bad[bad.length - 3] === 0x30 ? 0x31 : 0x30; // a wrong CRC digit
    bytes.feed(bad);
    expect(wire.recentFrames()).toEqual([]);
    bytes.feed(good.subarray(0, 40));
    bytes.feed(good.subarray(40));
    // The bytes since the last good frame, the refused one included: what the meter really sent before this one.
    const [frame] = wire.recentFrames();
    expect(frame!.hex.endsWith(toHex(good))).toBe(true);
    expect(frame!.decoded!.values).toContainEqual(expect.objectContaining({ obis: '1-0:1.8.1', value: 1234.567 }));
    expect(wire.counters.crcErrors).toBe(1);
  });
});
