/**
 * The serial source against real socat ptys with the real serialport binding: what a user sees when a P1 cable
 * delivers, when auto-detection runs, and when the adapter is unplugged and plugged in again.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SerialSource,
  type DetectionResult,
  type SerialSourceOptions,
} from '../../../electron/core/transports/index.ts';
import { createPtyPair, type PtyPair } from '../../helpers/pty-pair.ts';
import { dsmr5Telegram, METER_ID } from '../../helpers/dsmr-telegram.ts';
import { until } from '../../helpers/wait.ts';
import { meterIds, record, type Seen } from './source-recorder.ts';

let pair: PtyPair | null = null;
let source: SerialSource | null = null;
let meter: ReturnType<typeof setInterval> | undefined;

afterEach(async () => {
  clearInterval(meter);
  meter = undefined;
  await source?.stop();
  await pair?.dispose();
  source = null;
  pair = null;
});

/** The meter pushes a telegram every 100 ms, through unplugs (a write into a missing pty just fails). */
function startMeter(device: PtyPair, telegram = dsmr5Telegram()): void {
  meter = setInterval(() => {
    try {
      writeFileSync(device.meter, telegram);
    } catch {
      // unplugged
    }
  }, 100);
}

function startSource(options: SerialSourceOptions): Seen {
  source = new SerialSource({ watchIntervalMs: 50, backoff: { minMs: 20, maxMs: 200 }, ...options });
  return record(source);
}

const concat = (chunks: Uint8Array[]): Uint8Array => Uint8Array.from(chunks.flatMap((c) => [...c]));

describe('SerialSource on a socat pty', () => {
  it('passes DSMR bytes at 115200 8N1 through unchanged', async () => {
    pair = await createPtyPair();
    const seen = startSource({
      path: pair.device,
      settings: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
    });
    await until(() => source!.state.state === 'open', 'the port to open');
    const written = [dsmr5Telegram(1), dsmr5Telegram(2), dsmr5Telegram(3)];
    for (const telegram of written) writeFileSync(pair.meter, telegram);

    const expected = concat(written);
    await until(() => concat(seen.chunks).length >= expected.length, 'the bytes');
    expect(concat(seen.chunks)).toEqual(expected);
    expect(meterIds(seen.chunks)).toEqual([METER_ID, METER_ID, METER_ID]);
  });

  it('auto-detects DSMR 5 with the real decoder and reports what it found', async () => {
    pair = await createPtyPair();
    const found: DetectionResult[] = [];
    const seen = startSource({ path: pair.device, detectWindowMs: 5000 });
    source!.on('detected', (d) => found.push(d));
    startMeter(pair);

    await until(() => found.length === 1 && meterIds(seen.chunks).length >= 2, 'detection and telegrams');
    expect(found[0]).toMatchObject({ protocol: 'dsmr', transport: 'p1', label: '115200 8N1', path: pair.device });
    expect(meterIds(seen.chunks).every((id) => id === METER_ID)).toBe(true);
    expect(source!.state).toMatchObject({ state: 'open', detail: `found dsmr at 115200 8N1 on ${pair.device}` });
  });

  it('reopens the real port with each candidate in turn until telegrams show up', async () => {
    pair = await createPtyPair();
    const found: DetectionResult[] = [];
    const seen = startSource({ path: pair.device, detectWindowMs: 1000 });
    source!.on('detected', (d) => found.push(d));
    // The meter is silent for the first two candidates (a pty ignores line settings, so silence stands in for noise).
    source!.on('state', (s) => s.detail?.includes('(3 of 6)') && !meter && startMeter(pair!));

    await until(() => found.length === 1, 'detection');
    expect(found[0]!.label).toBe('9600 7E1');
    const tried = seen.states.filter((s) => s.state === 'detecting' && !s.error).map((s) => s.detail);
    expect(tried).toEqual([1, 2, 3].map((n) => expect.stringContaining(`(${n} of 6)`)));
    await until(() => meterIds(seen.chunks).length >= 1, 'telegrams');
  });

  it('reconnects by itself after the pty is removed and recreated, and data flows again', async () => {
    pair = await createPtyPair();
    const seen = startSource({ path: pair.device, detectWindowMs: 5000 });
    startMeter(pair);
    await until(() => meterIds(seen.chunks).length >= 1, 'telegrams');

    await pair.unplug();
    await until(() => source!.state.state === 'waiting', 'the unplug to be noticed');
    expect(source!.state.error?.kind).toBe('unplugged');
    const afterUnplug = seen.states.length;
    seen.chunks.length = 0;

    await pair.replug();
    await until(() => meterIds(seen.chunks).length >= 2, 'telegrams after the replug');
    expect(meterIds(seen.chunks).every((id) => id === METER_ID)).toBe(true);
    // The settings found before are kept: no second detection.
    expect(seen.states.slice(afterUnplug).some((s) => s.state === 'detecting')).toBe(false);
  });

  it('opens a port that appears only after the start', async () => {
    pair = await createPtyPair();
    await pair.unplug();
    const seen = startSource({
      path: pair.device,
      settings: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
    });
    await until(() => source!.state.state === 'waiting', 'waiting');
    expect(source!.state.error).toEqual({
      kind: 'not-found',
      message: `no such port ${pair.device}: is the adapter plugged in?`,
    });

    await pair.replug();
    startMeter(pair);
    await until(() => meterIds(seen.chunks).length >= 1, 'telegrams');
  });
});
