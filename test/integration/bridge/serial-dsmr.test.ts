/**
 * The bridge service reading a DSMR 5 meter on a serial port, end to end with real parts: a socat pty pair opened with
 * the real serialport binding (the simulated meter on one end, the bridge on the other), a real Mosquitto, and a
 * consumer subscribed to the harmonized profile.
 */
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { serialSink } from '../../../electron/core/simulator/sinks.ts';
import { createDecoder } from '../../../shared/protocols/decode.ts';
import { SIMULATED_METERS, type HouseholdState, type WireMeter } from '../../../shared/simulator/index.ts';
import { createPtyPair, type PtyPair } from '../../helpers/pty-pair.ts';
import {
  broker,
  cleanupList,
  recorder,
  startBridge,
  topicOf,
  waitFor,
  type Recorder,
  type RunningBridge,
} from './bridge-kit.ts';
import { playMeter, type MeterPlayer, type PlayOptions } from './meter-player.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const meter = SIMULATED_METERS.dsmr5!({}) as WireMeter;
const METER_ID = meter.serial;
const STATUS = topicOf(METER_ID, 'status');

/** What the telegram says (kW and kWh with 3 decimals, V with 1), in the profile's units (W, Wh, V). */
function expectedReadings(s: HouseholdState): Record<string, number> {
  const milli = (x: number) => Number((x / 1000).toFixed(3)) * 1000;
  return {
    'power/power_in': milli(s.powerIn),
    'power/power_out': milli(s.powerOut),
    'energy/energy_in_t1': milli(s.energyIn[0]),
    'energy/energy_in_t2': milli(s.energyIn[1]),
    'energy/energy_in': milli(s.energyIn[0]) + milli(s.energyIn[1]),
    'voltage/voltage_l1': Number(s.phases[0].voltage.toFixed(1)),
  };
}

interface Setup {
  pair: PtyPair;
  consumer: Recorder;
  bridge: RunningBridge;
}

/** Mosquitto, a pty pair, a consumer on `smartmeter/#`, and the bridge reading the pty's device end. */
async function setUp(source: Record<string, unknown>, config: Record<string, unknown> = {}): Promise<Setup> {
  const mosquitto = await broker(cleanup);
  const pair = await createPtyPair();
  cleanup.add(() => pair.dispose());
  const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/#');
  const sources = [{ type: 'serial', id: 'p1', port: pair.device, ...source }];
  const bridge = await startBridge(cleanup, mosquitto.url, { sources, ...config });
  return { pair, consumer, bridge };
}

const sourceOf = (bridge: RunningBridge) => bridge.service.snapshot()!.sources[0]!;

/** Meter timestamps that arrived on the state topic: one per published telegram. */
const stateTimestamps = (consumer: Recorder): number[] =>
  consumer.payloads(topicOf(METER_ID, 'state')).map((p) => (JSON.parse(p) as { timestamp: number }).timestamp);

/** The simulated meter writing into the pty's meter end opened at 115200 8N1 with the real serialport binding. */
async function playIntoPty(pair: PtyPair, options: Partial<PlayOptions> = {}) {
  const sink = await serialSink(pair.meter, meter.lineSettings);
  cleanup.add(() => sink.close());
  const player = playMeter(meter, (bytes) => sink.write(bytes), { intervalMs: 150, ...options });
  cleanup.add(() => player.stop());
  return player;
}

/** Deterministic noise (mulberry-style), so a failure replays with the same bytes. */
function noise(length: number, seed: number): Uint8Array {
  let a = seed >>> 0;
  return Uint8Array.from({ length }, () => {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return a >>> 24;
  });
}

/** A digit of the T1 import register changed to another digit: still well-formed text, but the CRC no longer fits. */
function flipDigit(telegram: Uint8Array): Uint8Array {
  const out = telegram.slice();
  const at = Buffer.from(out).indexOf('1-0:1.8.1(') + '1-0:1.8.1('.length + 3;
  out[at] = out[at] === 0x30 ? 0x31 : 0x30;
  return out;
}

describe('bridge service: DSMR 5 on a serial port (socat pty, real serialport binding)', () => {
  it('auto-detects the line, reports it, and publishes every telegram as the harmonized topics with the right values', async () => {
    const { pair, consumer, bridge } = await setUp({});
    const player = await playIntoPty(pair);

    await waitFor(() => stateTimestamps(consumer).length >= 5, 'five telegrams on the state topic');
    await player.stop();
    // A telegram written while the bridge was still opening the port is flushed by the open, as with a real meter
    // that pushed before the bridge started: from the first telegram published on, every one arrives, in order.
    const sent = player.sent.map((p) => p.state.time);
    const published = () => sent.slice(sent.indexOf(stateTimestamps(consumer)[0]!));
    await waitFor(() => stateTimestamps(consumer).length === published().length, 'every later telegram');
    expect(stateTimestamps(consumer)).toEqual(published());
    expect(sent.length - published().length).toBeLessThanOrEqual(3);

    // ptys ignore the baud rate, so detection locks onto the first candidate that yields frames (115200 8N1, which
    // is also DSMR 5's setting); choosing among baud rates is covered by the unit tests with the mock binding.
    expect(bridge.log).toContainEqual(expect.stringContaining(`p1: found 115200 8N1 on ${pair.device}`));
    expect(sourceOf(bridge).state).toMatchObject({ state: 'open', detail: expect.stringContaining('115200 8N1') });

    expect(consumer.payloads(STATUS)).toEqual(['online']);
    const last = player.sent.at(-1)!.state;
    for (const [quantity, value] of Object.entries(expectedReadings(last))) {
      const payload = consumer.lastJson(topicOf(METER_ID, quantity));
      expect(payload, quantity).toMatchObject({ timestamp: last.time });
      expect(payload!.value, quantity).toBeCloseTo(value, 6);
    }
    expect(consumer.lastJson(topicOf(METER_ID, 'power/power_in'))).toMatchObject({ unit: 'W', obis: '1-0:1.7.0' });
    // The gas sub-meter's value carries its own capture time (the last 5-minute mark), not the telegram's.
    expect(consumer.lastJson(topicOf(METER_ID, 'gas/gas_volume'))).toMatchObject({
      timestamp: last.time - (last.time % 300),
      value: Number(last.gasVolume.toFixed(3)),
      unit: 'm3',
    });
    expect(sourceOf(bridge).counters).toMatchObject({
      framesOk: published().length,
      crcErrors: 0,
      decryptErrors: 0,
      otherErrors: 0,
    });
  });

  /** Plays 20 telegrams damaged by `damage` (n % 5: 1 noise before an intact one, 2 a flipped digit, 3 a cut). */
  async function playDamaged(
    setup: Setup,
    damage: { noise: (n: number) => Uint8Array; cut: (t: Uint8Array) => Uint8Array },
  ) {
    const { pair, bridge } = setup;
    // With fixed settings the source is `open` only once the port is: nothing written from now on is flushed.
    await waitFor(() => sourceOf(bridge).state.state === 'open', 'the port to open');
    const player = await playIntoPty(pair, {
      count: 20,
      wire: (telegram, n) => {
        if (n % 5 === 1) return { bytes: Buffer.concat([damage.noise(n), telegram]), intact: true };
        if (n % 5 === 2) return { bytes: flipDigit(telegram), intact: false };
        if (n % 5 === 3) return { bytes: damage.cut(telegram), intact: false };
        return { bytes: telegram, intact: true };
      },
    });
    await player.finished;
    return player;
  }

  /** Every intact telegram published, nothing else, and the source's counters as the decoder judges the same bytes. */
  async function expectGoodOnesThrough({ consumer, bridge }: Setup, player: MeterPlayer): Promise<void> {
    const good = player.intact().map((p) => p.state.time);
    expect(good).toHaveLength(12);
    // The decoder's verdict on exactly the bytes that went over the wire, as one stream: what the counters must say.
    const reference = createDecoder('auto').push(Buffer.concat(player.sent.map((p) => p.bytes)));
    const failed = reference.flatMap((o) => (o.ok ? [] : [o.error.kind]));
    const crc = failed.filter((kind) => kind === 'crc').length;
    const judged = () => {
      const c = sourceOf(bridge).counters;
      return c.framesOk + c.crcErrors + c.decryptErrors + c.otherErrors;
    };
    await waitFor(() => judged() >= reference.length, 'every frame to be judged');
    const counters = sourceOf(bridge).counters;
    expect(counters).toMatchObject({
      framesOk: 12,
      crcErrors: crc,
      decryptErrors: 0,
      otherErrors: failed.length - crc,
    });
    await waitFor(() => stateTimestamps(consumer).length >= good.length, 'the 12 good telegrams published');
    expect(stateTimestamps(consumer)).toEqual(good);
    expect(counters.crcErrors).toBeGreaterThanOrEqual(4); // the four flipped digits
    expect(counters.otherErrors).toBeGreaterThanOrEqual(4); // the four cut telegrams
    expect(consumer.payloads(STATUS)).toEqual(['online']);
  }

  it('publishes every good telegram amid line noise, CRC-damaged and cut-off telegrams, and counts the errors', async () => {
    const setup = await setUp({ settings: { baudRate: 115200 } });
    const player = await playDamaged(setup, {
      // Noise ending in a line break (an adapter powering up), a telegram cut off at the end of one of its lines.
      noise: (n) => Buffer.concat([noise(200, n), Buffer.from('\r\n')]),
      cut: (t) => t.subarray(0, Buffer.from(t).indexOf('1-0:1.7.0')),
    });
    await expectGoodOnesThrough(setup, player);
  });

  it('also when a telegram is cut in mid-line or noise runs straight into the next telegram', async () => {
    const setup = await setUp({ settings: { baudRate: 115200 } });
    const player = await playDamaged(setup, {
      noise: (n) => noise(200, n),
      cut: (t) => t.subarray(0, t.length / 2),
    });
    await expectGoodOnesThrough(setup, player);
  });

  it('reconnects by itself after an unplug, reports the meter offline meanwhile and online again after', async () => {
    const { pair, consumer, bridge } = await setUp({}, { profile: { offlineAfterMissed: 2 } });
    // Written by path, as a meter that keeps pushing whether or not the adapter is there. `r+` opens only what is
    // there (ENOENT while unplugged): the default `w` made a regular file in the link's place, and the pair then could
    // neither unplug (the link never went) nor replug (socat found a file where its link goes).
    const player = playMeter(meter, (bytes) => writeFile(pair.meter, bytes, { flag: 'r+' }), { intervalMs: 150 });
    cleanup.add(() => player.stop());
    await waitFor(() => stateTimestamps(consumer).length >= 3, 'three telegrams before the unplug');

    await pair.unplug();
    await waitFor(() => consumer.payloads(STATUS).at(-1) === 'offline', 'the meter to be reported offline');
    expect(sourceOf(bridge).state.state).not.toBe('open');
    const before = stateTimestamps(consumer).length;

    await pair.replug();
    await waitFor(() => stateTimestamps(consumer).length >= before + 3, 'three telegrams after the replug');
    expect(consumer.payloads(STATUS)).toEqual(['online', 'offline', 'online']);
    expect(sourceOf(bridge).state.state).toBe('open');
    // New readings, not repeats: the meter clock only moves on.
    const times = stateTimestamps(consumer);
    expect(times.slice(before).every((t) => t > times[before - 1]!)).toBe(true);
  });
});
