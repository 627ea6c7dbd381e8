/**
 * The probe's way through the line settings, with a binding double standing in for a real adapter: a meter that
 * pushes at 2400 8E1 reaches the port as noise at every other setting. The probe gives up each setting after a whole
 * burst without an intact frame and locks on the meter's own, closing every port it opened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { probeSerialPort } from '../../../electron/core/probe/serial-probe.ts';
import type { SerialBinding, SerialPortHandle } from '../../../electron/core/transports/serial-connection.ts';
import type { LineSettings } from '../../../electron/core/transports/line-settings.ts';
import { Household, SIMULATED_METERS, type WireMeter } from '../../../shared/simulator/index.ts';

const KEY = Buffer.from('5AD84121D9D20B364B7A11F3C1B5827F', 'hex');
const meter = SIMULATED_METERS['lg-e450']!({ key: KEY }) as WireMeter;
const push = meter.render(new Household(1_780_000_000, 1, 'Europe/Zurich').at(1_780_000_000), 0);
const NOISE = Uint8Array.from({ length: push.length }, (_, i) => (i * 37) & 0xff);

/** A port whose meter pushes `push` every `everyMs`, readable only at the meter's settings (`any`: like a pty). */
function meterPort(meterSettings: LineSettings | 'any', everyMs: number) {
  const opened: string[] = [];
  let open = 0;
  const binding: SerialBinding = {
    async open(options) {
      const same =
        meterSettings === 'any' ||
        (['baudRate', 'dataBits', 'parity', 'stopBits'] as const).every((k) => options[k] === meterSettings[k]);
      opened.push(`${options.baudRate} ${options.parity}`);
      open++;
      let closed = false;
      let wake: () => void = () => undefined;
      let next = Date.now() + everyMs / 2; // the port opens between two pushes
      const handle: SerialPortHandle = {
        async read(buffer) {
          while (!closed && Date.now() < next) {
            await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, next - Date.now())));
          }
          if (closed) throw Object.assign(new Error('closed'), { canceled: true });
          next += everyMs;
          const bytes = same ? push : NOISE;
          buffer.set(bytes);
          return { bytesRead: bytes.length };
        },
        async close() {
          closed = true;
          open--;
          wake();
        },
      };
      return handle;
    },
  };
  return { binding, opened, isOpen: () => open > 0 };
}

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

describe('probeSerialPort through the line settings', () => {
  it('moves on after a noisy burst and locks on the setting the meter uses, then closes the port', async () => {
    const port = meterPort({ baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 }, 80);
    const outcome = await probeSerialPort({
      path: '/dev/ttyUSB7',
      key: KEY,
      binding: port.binding,
      silenceMs: 30,
      timeoutMs: 10_000,
      platform: 'linux',
    });
    expect(outcome).toMatchObject({
      settings: { baudRate: 2400, parity: 'even' },
      proven: true,
      message: { protocol: 'dlms', meterId: meter.serial },
    });
    // The last look, at another speed, read only noise: the port tells settings apart, so 2400 8E1 is proven.
    expect(port.opened).toEqual(['115200 none', '115200 even', '9600 even', '2400 even', '9600 none']);
    expect(port.isOpen()).toBe(false);
  });

  it('on a port that reads at any setting (a pty), reports the standard setting of the protocol as not proven', async () => {
    const port = meterPort('any', 80);
    const outcome = await probeSerialPort({ path: '/dev/pts/7', key: KEY, binding: port.binding, silenceMs: 30 });
    // The first setting read the meter, and so did the standard one: the port proves neither.
    expect(port.opened).toEqual(['115200 none', '2400 even']);
    expect(outcome).toMatchObject({ settings: { baudRate: 2400, parity: 'even' }, proven: false });
    expect(port.isOpen()).toBe(false);
  });

  it('on such a port without the key (no protocol known yet), says the setting is not proven', async () => {
    const port = meterPort('any', 80);
    const outcome = await probeSerialPort({ path: '/dev/pts/7', binding: port.binding, silenceMs: 30 });
    expect(outcome).toMatchObject({ proven: false, decryptError: { kind: 'decrypt' } });
    expect(port.opened).toEqual(['115200 none', '9600 none']);
  });

  it('without the key, says the frames are encrypted at the setting that carried them intact', async () => {
    const port = meterPort({ baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 }, 80);
    const outcome = await probeSerialPort({ path: '/dev/ttyUSB7', binding: port.binding, silenceMs: 30 });
    expect(outcome).toMatchObject({ settings: { baudRate: 2400 }, proven: true, decryptError: { kind: 'decrypt' } });
    expect(port.isOpen()).toBe(false);
  });
});
