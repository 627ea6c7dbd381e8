/**
 * The IEC 62056-21 mode C source against a pretend meter on serialport's mock binding (ptys refuse 7E1, see the
 * GUIDE): the sign-on, the acknowledgement, the baud switch the identification offers, the BCC, and what a user sees
 * when the meter is silent or a readout is spoilt.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceState } from '../../../electron/core/transports/byte-source.ts';
import { ModeCSource, type ModeCSourceOptions } from '../../../electron/core/transports/iec-mode-c.ts';
import { WireSource } from '../../../electron/core/service/wire-source.ts';
import { toDecodeLine } from '../../../shared/decode-line.ts';
import { encodeDataMessage } from '../../../shared/protocols/iec62056-21/encode.ts';
import { createIecDecoder } from '../../../shared/protocols/iec62056-21/index.ts';
import { ModeCMeter } from '../../../shared/protocols/iec62056-21/mode-c-meter.ts';
import { until } from '../../helpers/wait.ts';
import { ModeCMeterBinding } from './mode-c-meter-binding.ts';

let dir: string;
let binding: ModeCMeterBinding;
let source: ModeCSource | null;
let states: SourceState[];
let received: Uint8Array[];
let readouts: number;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'smb-iec-')));
  source = null;
  states = [];
  received = [];
  readouts = 0;
});

afterEach(async () => {
  await source?.stop();
  binding.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function meterBinding(identification = 'LGZ5ZMD310CR.SIM', address = '12345678'): ModeCMeterBinding {
  const dataMessage = () =>
    encodeDataMessage([
      ['C.1.0', '27182818'],
      ['1.8.0', (1846 + readouts++).toFixed(3), 'kWh'],
      ['32.7', '231.5', 'V'],
    ]);
  binding = new ModeCMeterBinding(new ModeCMeter({ identification, address, dataMessage }));
  return binding;
}

function plug(): string {
  const path = join(dir, 'ttyUSB0');
  writeFileSync(path, '');
  return path;
}

function startSource(options: Partial<ModeCSourceOptions> = {}): ModeCSource {
  source = new ModeCSource({
    path: plug(),
    pollSeconds: 0.05,
    timing: { reactionMinMs: 1, switchAfterAckMs: 1 },
    watchIntervalMs: 20,
    backoff: { minMs: 10, maxMs: 80 },
    binding,
    ...options,
  });
  source.on('state', (s) => states.push(s));
  source.on('data', (chunk) => received.push(chunk));
  source.start();
  return source;
}

/** What the bridge makes of the delivered bytes: each readout's energy_in in Wh, or the decode error. */
function energies(): (number | string)[] {
  const decoder = createIecDecoder();
  return received.flatMap((chunk) =>
    decoder.push(chunk).map((out) => {
      const line = toDecodeLine(out);
      if ('error' in line) return line.error.kind;
      return line.readings.find((r) => r.quantity === 'energy_in')?.value ?? 'no energy_in';
    }),
  );
}

describe('IEC 62056-21 mode C source', () => {
  it('signs on at 300 7E1, acknowledges the 9600 baud the meter offers, reads the data there, and polls again', async () => {
    meterBinding();
    startSource();
    await until(() => energies().length >= 2, 'two readouts');

    expect(binding.opens).toEqual(['300 7E1']);
    expect(binding.written.slice(0, 4)).toEqual(['/?!\r\n', '\x06050\r\n', '/?!\r\n', '\x06050\r\n']);
    // Up for the data message, back down for the next sign-on.
    expect(binding.rates.slice(0, 4)).toEqual([9600, 300, 9600, 300]);
    expect(energies().slice(0, 2)).toEqual([1_846_000, 1_847_000]);
    expect(source!.state).toMatchObject({ state: 'open', detail: expect.stringContaining('read at 9600 baud') });
  });

  it('addresses one meter, asks for no more than the head can do, and reads through an echoing head on an 8-bit port', async () => {
    meterBinding();
    binding.echo = true;
    binding.parityBits = true;
    startSource({ address: '12345678', maxBaudRate: 2400 });
    await until(() => energies().length >= 1, 'a readout');

    expect(binding.written.slice(0, 2)).toEqual(['/?12345678!\r\n', '\x06030\r\n']);
    expect(binding.rates[0]).toBe(2400);
    expect(energies()[0]).toBe(1_846_000);
  });

  it('reads a meter that offers 300 baud without switching', async () => {
    meterBinding('ELS0\\@V9.30');
    startSource();
    await until(() => energies().length >= 1, 'a readout');
    expect(binding.written[1]).toBe('\x06000\r\n');
    expect(binding.rates).toEqual([]);
  });

  it('drops a data message whose BCC is wrong, says so, and reads the next one', async () => {
    meterBinding();
    binding.spoilBcc = 1;
    startSource();
    await until(() => energies().length >= 1, 'a readout after the spoilt one');

    const spoilt = states.find((s) => s.error);
    expect(spoilt?.error?.message).toMatch(/BCC is [0-9A-F]{2}, its characters give [0-9A-F]{2}/);
    // The spoilt readout (1846 kWh) never reached the decoder.
    expect(energies()[0]).toBe(1_847_000);
  });

  it("counts a wrong BCC as a crc error where the UI shows every source's errors, next to the readouts", async () => {
    meterBinding();
    binding.spoilBcc = 2;
    const wire = new WireSource('optical', 'optical head', startSource(), 'iec62056-21', {});
    await until(() => wire.counters.framesOk >= 1, 'a readout after the two spoilt ones');

    expect(wire.counters).toMatchObject({
      crcErrors: 2,
      otherErrors: 0,
      lastError: { kind: 'crc', message: expect.stringMatching(/BCC is [0-9A-F]{2}/) },
    });
  });

  it('says when the meter does not answer, keeps the port and tries again', async () => {
    meterBinding();
    binding.silent = true;
    startSource({ timing: { reactionMinMs: 1, switchAfterAckMs: 1, reactionMaxMs: 30 } });
    await until(() => binding.written.length >= 2, 'a second sign-on');

    expect(source!.state).toMatchObject({
      state: 'open',
      error: { kind: 'timeout', message: expect.stringContaining('did not answer at 300 baud') },
    });
    expect(binding.opens).toHaveLength(1);
    expect(received).toEqual([]);
  });

  it('lives through a meter that answers line noise: each poll ends with a typed error, the port stays open', async () => {
    meterBinding();
    binding.noise = true;
    startSource({ timing: { reactionMinMs: 1, switchAfterAckMs: 1, reactionMaxMs: 30 } });
    await until(() => binding.written.filter((w) => w.startsWith('/?')).length >= 3, 'three sign-ons');

    const errors = states.flatMap((s) => (s.error ? [s.error.kind] : []));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.every((kind) => kind === 'timeout' || kind === 'io')).toBe(true);
    expect(binding.opens).toHaveLength(1);
    expect(energies().every((e) => typeof e === 'string')).toBe(true);
  });

  it('waits and opens again when the adapter is unplugged', async () => {
    meterBinding();
    const path = join(dir, 'ttyUSB0');
    startSource();
    await until(() => energies().length >= 1, 'a readout');
    unlinkSync(path);
    await until(() => source!.state.state === 'waiting', 'the unplug to be noticed');
    expect(source!.state.error).toMatchObject({ kind: 'unplugged' });
    writeFileSync(path, '');
    await until(() => binding.opens.length >= 2 && energies().length >= 2, 'a readout after the replug');
  });

  it('finds the optical head again through its by-id link when it comes back under another name', async () => {
    meterBinding();
    mkdirSync(join(dir, 'by-id'));
    const link = join(dir, 'by-id', 'usb-FTDI_FT230X_Basic_UART_D30A1B2C-if00-port0');
    const usb0 = plug();
    symlinkSync(usb0, link);
    startSource({ path: usb0, byIdDir: join(dir, 'by-id') });
    await until(() => energies().length >= 1, 'a readout');

    // Unplugged; on the replug the kernel names it ttyUSB1, while another adapter now holds ttyUSB0.
    unlinkSync(link);
    unlinkSync(usb0);
    await until(() => source!.state.state === 'waiting', 'the unplug to be noticed');
    writeFileSync(usb0, '');
    const usb1 = join(dir, 'ttyUSB1');
    writeFileSync(usb1, '');
    symlinkSync(usb1, link);
    received = [];
    await until(() => energies().length >= 1, 'a readout after the replug');
    expect(binding.paths.at(-1)).toBe(usb1);
    expect(binding.paths.filter((p) => p === usb0)).toHaveLength(1);
    expect(source!.state.detail).toContain(`mode C on ${link}`);
  });

  it('refuses a device address the standard does not allow', () => {
    meterBinding();
    expect(() => new ModeCSource({ path: plug(), pollSeconds: 1, address: 'a!b', binding })).toThrow(RangeError);
  });
});
