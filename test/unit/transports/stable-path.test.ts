import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceIdentity, findStableLink } from '../../../electron/core/transports/stable-path.ts';

let dir: string;
let byId: string;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'smb-byid-')));
  byId = join(dir, 'by-id');
  mkdirSync(byId);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function device(name: string): string {
  writeFileSync(join(dir, name), '');
  return join(dir, name);
}

describe('findStableLink', () => {
  it('finds the by-id link of a ttyUSB path', async () => {
    const usb0 = device('ttyUSB0');
    symlinkSync(device('ttyUSB1'), join(byId, 'usb-Silicon_Labs_CP2102-if00-port0'));
    symlinkSync('../ttyUSB0', join(byId, 'usb-FTDI_FT232R_USB_UART_A10K4Y2T-if00-port0'));
    expect(await findStableLink(usb0, byId)).toBe(join(byId, 'usb-FTDI_FT232R_USB_UART_A10K4Y2T-if00-port0'));
  });

  it('takes a path inside the by-id directory as stable already', async () => {
    const link = join(byId, 'usb-1a86_USB_Serial-if00-port0');
    symlinkSync(device('ttyUSB0'), link);
    expect(await findStableLink(link, byId)).toBe(link);
  });

  it('has none for a port without a link, a missing port, or no by-id directory', async () => {
    expect(await findStableLink(device('ttyAMA0'), byId)).toBeNull();
    expect(await findStableLink(join(dir, 'ttyUSB9'), byId)).toBeNull();
    expect(await findStableLink(device('ttyUSB0'), join(dir, 'missing'))).toBeNull();
    expect(await findStableLink('COM3', null)).toBeNull();
  });
});

describe('deviceIdentity', () => {
  it('changes when the device behind a path goes or is replaced, and is null for no file', async () => {
    const link = join(dir, 'ttyBRIDGE');
    symlinkSync(device('pts1'), link);
    const before = await deviceIdentity(link);
    expect(before).not.toBeNull();
    expect(await deviceIdentity(link)).toBe(before);
    unlinkSync(link);
    expect(await deviceIdentity(link)).toBeNull();
    symlinkSync(device('pts2'), link);
    expect(await deviceIdentity(link)).not.toBe(before);
    expect(await deviceIdentity('COM3')).toBeNull();
  });
});
