/**
 * Connect's probe on a real pty pair (socat) with the simulated encrypted Landis+Gyr E450 pushing into it: it finds
 * the meter and says it encrypts, refuses a wrong key as an authentication failure, gives the meter and its first
 * values with the right one, releases the port after each probe, and never touches a port a source reads.
 */
import { realpathSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbeHandler } from '../../../electron/core/probe/probe-handler.ts';
import { serialSink } from '../../../electron/core/simulator/sinks.ts';
import type { BridgeView } from '../../../shared/api.ts';
import { SIMULATED_METERS, type WireMeter } from '../../../shared/simulator/index.ts';
import { createPtyPair, type PtyPair } from '../../helpers/pty-pair.ts';
import { playMeter } from '../bridge/meter-player.ts';

const KEY = '5AD84121D9D20B364B7A11F3C1B5827F';
const WRONG_KEY = 'A5D84121D9D20B364B7A11F3C1B5827F';
const meter = SIMULATED_METERS['lg-e450']!({ key: Buffer.from(KEY, 'hex') }) as WireMeter;

let pair: PtyPair;
let path: string;
const stops: (() => unknown)[] = [];
let bridge: BridgeView | undefined;
const probe = createProbeHandler({ bridge: () => bridge, probe: { timeoutMs: 10_000 } });

beforeAll(async () => {
  pair = await createPtyPair();
  stops.push(() => pair.dispose());
  path = realpathSync(pair.device); // /dev/pts/N, as a user would pick it
  const sink = await serialSink(pair.meter, meter.lineSettings);
  stops.push(() => sink.close());
  const player = playMeter(meter, (bytes) => sink.write(bytes), { intervalMs: 500, count: 10_000 });
  stops.push(() => player.stop());
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

describe('probeSerialPort', () => {
  it('finds an encrypted meter and asks for its key', async () => {
    const found = await probe({ path });
    expect(found).toMatchObject({ path, encrypted: true, decrypted: false, readings: [] });
    // A pty reads the meter at every setting: without the protocol known, no setting is claimed as proven.
    expect(found.lineSettingsProven).toBe(false);
  }, 20_000);

  it('refuses a wrong key as an authentication failure, saying to check the key', async () => {
    await expect(probe({ path, key: WRONG_KEY })).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(/^authentication failed: check the key/),
    });
  }, 20_000);

  it('with the right key gives the meter, its protocol and its first values; the port is free again after', async () => {
    const found = await probe({ path, key: KEY });
    expect(found).toMatchObject({
      protocol: 'dlms',
      transport: 'mbus',
      meterId: meter.serial,
      encrypted: true,
      decrypted: true,
      // The pty read it at 115200 8N1 first; the meter's own setting is wired M-Bus's, and the pty cannot prove it.
      lineSettings: '2400 8E1',
      lineSettingsProven: false,
    });
    expect(found.readings.map((r) => r.quantity)).toEqual(expect.arrayContaining(['power_in', 'energy_in']));
    // Released: the next probe opens the same port again.
    await expect(probe({ path, key: KEY })).resolves.toMatchObject({ decrypted: true });
  }, 30_000);

  it('never probes a port a running source reads, nor one port twice at once', async () => {
    bridge = {
      sources: [{ type: 'serial', label: `serial:${pair.device}`, state: { state: 'open' } }],
    } as unknown as BridgeView;
    await expect(probe({ path })).rejects.toMatchObject({ kind: 'busy' });
    bridge = undefined;
    const first = probe({ path });
    await expect(probe({ path })).rejects.toMatchObject({ kind: 'busy', message: expect.stringMatching(/already/) });
    await first;
  }, 20_000);

  it('says when no meter answers in time, and when there is no such port', async () => {
    const silent = await createPtyPair();
    stops.push(() => silent.dispose());
    const quick = createProbeHandler({ bridge: () => undefined, probe: { timeoutMs: 1000 } });
    await expect(quick({ path: realpathSync(silent.device) })).rejects.toMatchObject({ kind: 'timeout' });
    await expect(quick({ path: '/dev/ttyNOPE9' })).rejects.toMatchObject({ kind: 'not-found' });
  }, 20_000);
});
