/** serial.extraPorts: configured paths and globs become list entries while they exist; the system's entry wins. */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listExtraPorts, withExtraPorts } from '../../../electron/core/probe/extra-ports.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smb-extra-'));
  dirs.push(dir);
  return dir;
}

describe.skipIf(process.platform === 'win32')('configured extra serial ports', () => {
  it('lists an existing path and the matches of a glob, each with the device its link leads to', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'pts-real'), '');
    symlinkSync(join(dir, 'pts-real'), join(dir, 'ttyV0'));
    writeFileSync(join(dir, 'ttyV1'), '');
    writeFileSync(join(dir, 'other'), '');
    const ports = await listExtraPorts([`${dir}/ttyV*`, join(dir, 'ttyV0')]);
    expect(ports).toEqual([
      { path: join(dir, 'ttyV0'), device: join(dir, 'pts-real'), likelyMeterAdapter: false, configured: true },
      { path: join(dir, 'ttyV1'), device: join(dir, 'ttyV1'), likelyMeterAdapter: false, configured: true },
    ]);
  });

  it('leaves out what does not exist: a missing path, a dangling link, a glob in a missing folder', async () => {
    const dir = folder();
    symlinkSync(join(dir, 'gone'), join(dir, 'ttyV0'));
    expect(await listExtraPorts([join(dir, 'ttyNONE'), `${dir}/tty*`, '/no/such/dir/tty*'])).toEqual([]);
  });
});

describe('configured extra serial ports, platform-free parts', () => {
  it('lists a Windows COM name as given (only opening it would tell whether it exists)', async () => {
    expect(await listExtraPorts(['COM7'])).toEqual([
      { path: 'COM7', device: 'COM7', likelyMeterAdapter: false, configured: true },
    ]);
  });

  it('drops a configured port the system already lists, by path or device', () => {
    const usb = { path: '/dev/serial/by-id/usb-FTDI', device: '/dev/ttyUSB0', likelyMeterAdapter: true };
    const extra = [
      { path: '/dev/ttyUSB0', device: '/dev/ttyUSB0', likelyMeterAdapter: false, configured: true },
      { path: '/tmp/ttyV0', device: '/dev/pts/4', likelyMeterAdapter: false, configured: true },
    ];
    expect(withExtraPorts([usb], extra)).toEqual([usb, extra[1]]);
  });
});
