/**
 * A socat pty named in serial.extraPorts appears in the port list while it exists and leaves it when socat ends: the
 * hot-plug watch pushes both changes (the system's list, SerialPort.list and the /dev scan, never shows a pty).
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SerialPortWatch } from '../../../electron/core/probe/serial-port-watch.ts';
import type { SerialPortView } from '../../../shared/api.ts';
import { createPtyPair, type PtyPair } from '../../helpers/pty-pair.ts';
import { until } from '../../helpers/wait.ts';

const stops: (() => unknown)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

describe('serial.extraPorts in the hot-plug watch', () => {
  it('a socat pty matching a configured glob appears, then disappears when socat ends', async () => {
    let extraPorts: string[] = [];
    const watch = new SerialPortWatch({ extraPorts: () => extraPorts });
    stops.push(() => watch.stop());
    const pushed: SerialPortView[][] = [];
    watch.onChange((ports) => pushed.push(ports));
    const configured = (ports: SerialPortView[]) => ports.filter((p) => p.configured);

    const pair: PtyPair = await createPtyPair();
    stops.push(() => pair.dispose());
    expect(configured(await watch.ports())).toEqual([]); // not configured yet: the system's list misses it

    // Configured live (as a settings change would): the next look shows it, with the pty it leads to.
    extraPorts = [join(pair.device, '..', 'ttyB*')];
    await until(() => pushed.length > 0, 'the pty in a pushed list');
    expect(configured(pushed.at(-1)!)).toEqual([
      { path: pair.device, device: realpathSync(pair.device), likelyMeterAdapter: false, configured: true },
    ]);

    await pair.unplug();
    await until(() => pushed.length > 1, 'a list pushed without the pty');
    expect(configured(pushed.at(-1)!)).toEqual([]);
  }, 30_000);

  it('a port that exists from the start is in the first answer', async () => {
    const pair = await createPtyPair();
    stops.push(() => pair.dispose());
    const dir = mkdtempSync(join(tmpdir(), 'smb-watch-'));
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    const watch = new SerialPortWatch({ extraPorts: () => [pair.device, join(dir, 'missing')] });
    stops.push(() => watch.stop());
    expect((await watch.ports()).filter((p) => p.configured).map((p) => p.path)).toEqual([pair.device]);
  }, 30_000);
});
