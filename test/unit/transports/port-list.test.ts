import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSerialPorts, type ListOptions } from '../../../electron/core/transports/port-list.ts';

let root: string;
let linux: ListOptions;

function file(path: string, content = ''): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

function link(target: string, path: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  symlinkSync(target, join(root, path));
}

/** A Raspberry Pi with an FTDI P1 cable, as /dev and sysfs show it. */
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'smb-ports-')));
  for (const name of ['ttyUSB0', 'ttyAMA0', 'ttyS0', 'tty1']) file(`dev/${name}`);
  link('ttyAMA0', 'dev/serial0');
  link('../../ttyUSB0', 'dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K4Y2T-if00-port0');
  const usb = 'sys/devices/platform/usb1/1-1';
  file(`${usb}/idVendor`, '0403\n');
  file(`${usb}/idProduct`, '6001\n');
  file(`${usb}/manufacturer`, 'FTDI\n');
  file(`${usb}/serial`, 'A10K4Y2T\n');
  mkdirSync(join(root, usb, '1-1:1.0/ttyUSB0'), { recursive: true });
  link(join(root, usb, '1-1:1.0/ttyUSB0'), 'sys/class/tty/ttyUSB0/device');
  mkdirSync(join(root, 'sys/devices/platform/serial8250/tty/ttyAMA0'), { recursive: true });
  link(join(root, 'sys/devices/platform/serial8250'), 'sys/class/tty/ttyAMA0/device');
  linux = {
    platform: 'linux',
    devDir: join(root, 'dev'),
    byIdDir: join(root, 'dev/serial/by-id'),
    sysClassTtyDir: join(root, 'sys/class/tty'),
  };
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const ftdi = () => ({
  path: join(root, 'dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K4Y2T-if00-port0'),
  device: join(root, 'dev/ttyUSB0'),
  stablePath: join(root, 'dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K4Y2T-if00-port0'),
  manufacturer: 'FTDI',
  serialNumber: 'A10K4Y2T',
  vendorId: '0403',
  productId: '6001',
  chip: 'FTDI (FT232R, FT-X, ...)',
  likelyMeterAdapter: true,
});

describe('listSerialPorts', () => {
  it('scans /dev and sysfs when udevadm is missing, meter adapters first', async () => {
    const ports = await listSerialPorts({ ...linux, list: () => Promise.reject(new Error('spawn udevadm ENOENT')) });
    expect(ports).toEqual([
      ftdi(),
      { path: join(root, 'dev/ttyAMA0'), device: join(root, 'dev/ttyAMA0'), likelyMeterAdapter: false },
    ]);
  });

  it('does not wait forever for a system list that hangs', async () => {
    const ports = await listSerialPorts({ ...linux, list: () => new Promise(() => undefined), timeoutMs: 50 });
    expect(ports.map((p) => p.device)).toEqual([join(root, 'dev/ttyUSB0'), join(root, 'dev/ttyAMA0')]);
  });

  it('merges the system list with the scan, one entry per device', async () => {
    const ports = await listSerialPorts({
      ...linux,
      list: async () => [
        { path: join(root, 'dev/ttyUSB0'), manufacturer: 'FTDI Ltd', vendorId: '0403', productId: '6001' },
      ],
    });
    expect(ports).toEqual([
      { ...ftdi(), manufacturer: 'FTDI Ltd' },
      expect.objectContaining({ path: join(root, 'dev/ttyAMA0') }),
    ]);
  });

  it('marks known USB-serial chips on Windows from the system list alone', async () => {
    const ports = await listSerialPorts({
      platform: 'win32',
      list: async () => [
        { path: 'COM1' },
        { path: 'COM3', vendorId: '067B', productId: '2303', manufacturer: 'Prolific' },
        { path: 'COM4', vendorId: '10C4', productId: '8A2A' },
      ],
    });
    expect(ports).toEqual([
      {
        path: 'COM3',
        device: 'COM3',
        manufacturer: 'Prolific',
        vendorId: '067b',
        productId: '2303',
        chip: 'Prolific PL2303',
        likelyMeterAdapter: true,
      },
      { path: 'COM1', device: 'COM1', likelyMeterAdapter: false },
      { path: 'COM4', device: 'COM4', vendorId: '10c4', productId: '8a2a', likelyMeterAdapter: false },
    ]);
  });

  it('survives the real SerialPort.list() on this machine, where udevadm is missing', async () => {
    await expect(listSerialPorts()).resolves.toBeInstanceOf(Array);
  });
});
