import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SourceState } from '../../../electron/core/transports/byte-source.ts';
import {
  SerialSource,
  type DetectionResult,
  type SerialSourceOptions,
} from '../../../electron/core/transports/index.ts';
import { createDecoder } from '../../../shared/protocols/decode.ts';
import { FakeMeterBinding } from './fake-meter-binding.ts';
import { dsmr5Telegram, METER_ID } from '../../helpers/dsmr-telegram.ts';
import { until } from '../../helpers/wait.ts';

let dir: string;
let binding: FakeMeterBinding;
let source: SerialSource | null;
let states: SourceState[];
let received: Uint8Array[];

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'smb-serial-')));
  source = null;
  states = [];
  received = [];
});

afterEach(async () => {
  await source?.stop();
  binding.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A device file for the port: the source watches it, and removing it is an unplug. */
function plug(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, '');
  return path;
}

function startSource(options: Omit<SerialSourceOptions, 'binding'>): SerialSource {
  source = new SerialSource({
    detectWindowMs: 150,
    watchIntervalMs: 20,
    backoff: { minMs: 10, maxMs: 80 },
    byIdDir: null,
    ...options,
    binding,
  });
  source.on('state', (s) => states.push(s));
  source.on('data', (chunk) => received.push(chunk));
  source.start();
  return source;
}

/** What a user sees: telegrams from this meter, decoded from the bytes the source passed on. */
function decodedMeterIds(): string[] {
  const decoder = createDecoder('dsmr');
  return received
    .flatMap((chunk) => decoder.push(chunk))
    .map((o) => (o.ok ? (o.message.meterId ?? '?') : o.error.kind));
}

const labels = (): string[] => binding.opens.map((o) => o.label);

describe('SerialSource auto-detection', () => {
  it('tries the known settings in order and locks onto the first where telegrams decode', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), '9600 7E1');
    const found: DetectionResult[] = [];
    startSource({ path: plug('ttyUSB0') }).on('detected', (d) => found.push(d));

    await until(() => found.length === 1 && decodedMeterIds().length >= 2, 'detection and telegrams');
    expect(labels().slice(0, 3)).toEqual(['115200 8N1', '115200 7E1', '9600 7E1']);
    expect(found[0]).toMatchObject({ protocol: 'dsmr', transport: 'p1', label: '9600 7E1' });
    expect(found[0]!.settings).toEqual({ baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 });
    expect(source!.state).toMatchObject({ state: 'open', detail: expect.stringContaining('found dsmr at 9600 7E1') });
    // Garbled bytes from the wrong settings are never passed on; the telegram that proved the settings is.
    expect(decodedMeterIds().every((id) => id === METER_ID)).toBe(true);
    expect(states.filter((s) => s.state === 'detecting').map((s) => s.detail)).toEqual([
      expect.stringContaining('trying 115200 8N1 (1 of 6)'),
      expect.stringContaining('trying 115200 7E1 (2 of 6)'),
      expect.stringContaining('trying 9600 7E1 (3 of 6)'),
    ]);
  });

  it('keeps the locked settings when the adapter is unplugged and comes back', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), '2400 8E1');
    const path = plug('ttyUSB0');
    startSource({ path });
    await until(() => source!.detected !== null, 'detection');
    const opensBefore = binding.opens.length;
    const statesBefore = states.length;

    unlinkSync(path);
    await until(() => source!.state.state === 'waiting', 'the unplug to be noticed');
    expect(source!.state.error).toMatchObject({ kind: 'unplugged', message: `${path} was unplugged` });
    received = [];
    plug('ttyUSB0');
    await until(() => decodedMeterIds().length > 0, 'telegrams after the replug');

    expect(new Set(binding.opens.slice(opensBefore).map((o) => o.label))).toEqual(new Set(['2400 8E1']));
    expect(states.slice(statesBefore).some((s) => s.state === 'detecting')).toBe(false);
  });

  it('takes a refused setting for that setting failing, and moves on', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), '9600 7E1');
    binding.refused.add('115200 7E1');
    startSource({ path: plug('ttyUSB0') });

    await until(() => source!.detected !== null, 'detection');
    expect(source!.detected!.label).toBe('9600 7E1');
    const refusal = states.find((s) => s.error?.kind === 'unsupported-setting');
    expect(refusal).toMatchObject({
      state: 'detecting',
      error: { message: expect.stringMatching(/refused 115200 7E1$/) },
    });
  });

  it('waits with backoff when the port refuses every setting, instead of spinning', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), '9600 7E1');
    for (const label of ['115200 8N1', '115200 7E1', '9600 7E1', '2400 8E1', '2400 8N1', '9600 8N1']) {
      binding.refused.add(label);
    }
    startSource({ path: plug('ttyUSB0') });
    await until(() => source!.state.state === 'waiting', 'waiting');
    expect(source!.state.error?.kind).toBe('unsupported-setting');
    expect(binding.opens).toHaveLength(6);
  });

  it('starts another round when no setting showed a telegram', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), null);
    startSource({ path: plug('ttyUSB0') }).on('state', (s) => {
      // The meter starts sending once the second round has begun.
      if (s.detail?.includes('(1 of 6)') && binding.opens.length >= 6) binding.meterSettings = '115200 8N1';
    });
    await until(() => source!.detected !== null, 'detection in the second round');
    expect(binding.opens).toHaveLength(7);
    expect(source!.detected!.label).toBe('115200 8N1');
  });

  it('uses fixed settings without detecting', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), '2400 8N1');
    startSource({ path: plug('ttyUSB0'), settings: { baudRate: 2400, dataBits: 8, parity: 'none', stopBits: 1 } });
    await until(() => decodedMeterIds().length > 0, 'telegrams');
    expect(labels()).toEqual(['2400 8N1']);
    expect(states.some((s) => s.state === 'detecting')).toBe(false);
  });

  it("writes a stick's set-up commands at every open, and reads on when the device refuses them", async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), '57600 8N1');
    const written: number[][] = [];
    let refuse = false;
    const open = binding.open.bind(binding);
    binding.open = async (options) => {
      const port = await open(options);
      const write = port.write!.bind(port);
      port.write = async (buffer) => {
        if (refuse) throw new Error('Input/output error');
        written.push([...buffer]);
        await write(buffer);
      };
      return port;
    };
    const init = [Uint8Array.of(0xa5, 0x81), Uint8Array.of(0x03)];
    const settings = { baudRate: 57600, dataBits: 8, parity: 'none', stopBits: 1 } as const;
    startSource({ path: plug('ttyUSB0'), settings, init });
    await until(() => written.length === 2, 'the set-up written');
    expect(written).toEqual([[0xa5, 0x81], [0x03]]);
    await source!.stop();

    refuse = true;
    received = [];
    startSource({ path: plug('ttyUSB1'), settings, init });
    await until(() => decodedMeterIds().length > 0, 'telegrams after a refused set-up');
    expect(states.at(-1)).toMatchObject({ state: 'open', error: { kind: 'io' } });
    expect(states.at(-1)!.error!.message).toContain('could not initialise the device: Input/output error');
  });

  it('closes the port and stops retrying on stop(), also in the middle of detection', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), null);
    startSource({ path: plug('ttyUSB0'), detectWindowMs: 60_000 });
    await until(() => binding.openPorts === 1, 'the port to open');
    await source!.stop();
    expect(binding.openPorts).toBe(0);
    expect(source!.state).toEqual({ state: 'stopped' });
    const opens = binding.opens.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(binding.opens.length).toBe(opens);
  });
});

describe('SerialSource reconnecting', () => {
  const fixed = { settings: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 } as const };

  it('backs off exponentially while the port is missing, and starts over once data flowed', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), '115200 8N1');
    const path = join(dir, 'ttyUSB0');
    startSource({ path, ...fixed });
    await until(() => states.filter((s) => s.state === 'waiting').length >= 6, 'six failed attempts');
    const delays = states.filter((s) => s.state === 'waiting').map((s) => s.retryInMs);
    expect(delays.slice(0, 6)).toEqual([10, 20, 40, 80, 80, 80]);
    expect(states.find((s) => s.state === 'waiting')!.error).toEqual({
      kind: 'not-found',
      message: `no such port ${path}: is the adapter plugged in?`,
    });

    plug('ttyUSB0');
    await until(() => decodedMeterIds().length > 0, 'telegrams');
    const seen = states.length;
    unlinkSync(path);
    await until(() => states.slice(seen).some((s) => s.state === 'waiting'), 'the unplug to be noticed');
    expect(states.slice(seen).find((s) => s.state === 'waiting')!.retryInMs).toBe(10);
  });

  it('finds the adapter again through its by-id link when it comes back under another name', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), '115200 8N1');
    mkdirSync(join(dir, 'by-id'));
    const link = join(dir, 'by-id', 'usb-FTDI_FT232R_USB_UART_A10K4Y2T-if00-port0');
    const usb0 = plug('ttyUSB0');
    symlinkSync(usb0, link);
    startSource({ path: usb0, byIdDir: join(dir, 'by-id'), ...fixed });
    await until(() => decodedMeterIds().length > 0, 'telegrams');
    expect(source!.stablePath).toBe(link);

    // Unplugged; on the replug the kernel names it ttyUSB1, while another adapter now holds ttyUSB0.
    unlinkSync(link);
    unlinkSync(usb0);
    await until(() => source!.state.state === 'waiting', 'the unplug to be noticed');
    plug('ttyUSB0');
    const usb1 = plug('ttyUSB1');
    symlinkSync(usb1, link);
    received = [];
    await until(() => decodedMeterIds().length > 0, 'telegrams after the replug');
    expect(binding.opens.at(-1)!.path).toBe(usb1);
    expect(binding.opens.filter((o) => o.path === usb0)).toHaveLength(1);
    expect(source!.state.detail).toBe(`115200 8N1 on ${link}`);
  });

  it('follows a configured by-id link to wherever it points after a replug', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), '115200 8N1');
    mkdirSync(join(dir, 'by-id'));
    const link = join(dir, 'by-id', 'usb-Prolific_PL2303-if00-port0');
    const usb1 = plug('ttyUSB1');
    symlinkSync(usb1, link);
    startSource({ path: link, byIdDir: join(dir, 'by-id'), ...fixed });
    await until(() => decodedMeterIds().length > 0, 'telegrams');

    unlinkSync(link);
    unlinkSync(usb1);
    await until(() => source!.state.state === 'waiting', 'the unplug to be noticed');
    symlinkSync(plug('ttyUSB0'), link);
    received = [];
    await until(() => decodedMeterIds().length > 0, 'telegrams after the replug');
    expect(binding.opens.at(-1)!.path).toBe(join(dir, 'ttyUSB0'));
  });

  it('reports a throwing listener as a warning and keeps the connection', async () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    binding = new FakeMeterBinding(dsmr5Telegram(), '115200 8N1');
    let calls = 0;
    startSource({ path: plug('ttyUSB0'), ...fixed }).on('data', () => {
      if (++calls === 1) throw new Error('listener bug');
    });
    await until(() => calls >= 3, 'more data after the throw');
    expect(warning).toHaveBeenCalledWith("a 'data' listener of a byte source threw: listener bug");
    expect(source!.state.state).toBe('open');
    expect(binding.opens).toHaveLength(1);
    warning.mockRestore();
  });

  it('says what to do when the port may not be opened', async () => {
    binding = new FakeMeterBinding(dsmr5Telegram(), '115200 8N1');
    binding.open = async (options) => {
      throw new Error(`Error: Permission denied, cannot open ${options.path}`);
    };
    startSource({ path: '/dev/ttyUSB0', platform: 'linux', ...fixed });
    await until(() => source!.state.state === 'waiting', 'waiting');
    expect(source!.state.error).toEqual({
      kind: 'permission',
      message:
        "permission denied on /dev/ttyUSB0: add your user to the 'dialout' group (sudo usermod -aG dialout $USER) and log in again",
    });
  });
});
