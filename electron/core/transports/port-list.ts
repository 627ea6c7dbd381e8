/**
 * Serial ports for the UI to offer. SerialPort.list() asks udevadm on Linux, which is missing on minimal systems and
 * containers (the spawn fails, or hangs); the list must still work there, so Linux ports are also found by scanning
 * /dev and read from sysfs, and the two are merged.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SerialPort } from 'serialport';
import { DEFAULT_BY_ID_DIR, resolveDevice } from './stable-path.ts';
import { findUsbSerialChip, normaliseUsbId } from './usb-adapters.ts';

export interface SerialPortEntry {
  /** What to configure: the stable by-id link when there is one, else the device. */
  path: string;
  /** The device it leads to now, e.g. /dev/ttyUSB0 or COM3. */
  device: string;
  stablePath?: string;
  manufacturer?: string;
  serialNumber?: string;
  /** USB ids as four lowercase hex digits. */
  vendorId?: string;
  productId?: string;
  /** The USB-serial chip when it is one P1 cables and M-Bus readers are built on, e.g. 'Prolific PL2303'. */
  chip?: string;
  /** True for those chips: the UI lists these first. */
  likelyMeterAdapter: boolean;
}

/** What SerialPort.list() yields per port (only `path` is certain). */
export interface ListedPort {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

export interface ListOptions {
  /** Default SerialPort.list. */
  list?: () => Promise<ListedPort[]>;
  /** How long the system list may take before it is given up; default 5 s. */
  timeoutMs?: number;
  platform?: NodeJS.Platform;
  /** Linux scan roots, replaceable in tests. */
  devDir?: string;
  byIdDir?: string | null;
  sysClassTtyDir?: string;
}

interface Found {
  device: string;
  info: ListedPort;
  stablePath?: string;
}

const SCANNED_DEVICE = /^(tty(USB|ACM|AMA)\d+|serial\d)$/;

/** Never rejects: a failing system list falls back to the scan (Linux) or to nothing. */
export async function listSerialPorts(options: ListOptions = {}): Promise<SerialPortEntry[]> {
  const platform = options.platform ?? process.platform;
  const listed = await systemList(options.list ?? SerialPort.list, options.timeoutMs ?? 5000);
  const scanned =
    platform === 'linux'
      ? await scanLinux(
          options.devDir ?? '/dev',
          options.byIdDir === undefined ? DEFAULT_BY_ID_DIR : options.byIdDir,
          options.sysClassTtyDir ?? '/sys/class/tty',
        )
      : [];

  // Keyed by the device itself, so /dev/serial0, its by-id link and the listed /dev/ttyAMA0 are one port.
  const byDevice = new Map<string, Found>();
  for (const port of listed) {
    const device = (platform === 'win32' ? null : await resolveDevice(port.path)) ?? port.path;
    byDevice.set(device, { device, info: port });
  }
  for (const found of scanned) {
    const known = byDevice.get(found.device);
    // The system list knows more (udev, Windows registry); the scan fills its gaps and adds the stable link.
    byDevice.set(found.device, known ? { ...found, info: { ...found.info, ...withoutUndefined(known.info) } } : found);
  }
  return [...byDevice.values()]
    .map(describe)
    .sort((a, b) => Number(b.likelyMeterAdapter) - Number(a.likelyMeterAdapter) || a.path.localeCompare(b.path));
}

async function systemList(list: () => Promise<ListedPort[]>, timeoutMs: number): Promise<ListedPort[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<ListedPort[]>((resolve) => (timer = setTimeout(() => resolve([]), timeoutMs)));
  try {
    return await Promise.race([Promise.resolve().then(list), timeout]);
  } catch {
    return []; // e.g. `spawn udevadm ENOENT`: the scan still finds the ports
  } finally {
    clearTimeout(timer);
  }
}

async function scanLinux(devDir: string, byIdDir: string | null, sysDir: string): Promise<Found[]> {
  const stable = new Map<string, string>();
  for (const name of byIdDir ? await names(byIdDir) : []) {
    const device = await resolveDevice(join(byIdDir!, name));
    if (device) stable.set(device, join(byIdDir!, name));
  }
  const devices = new Set(stable.keys());
  for (const name of await names(devDir)) {
    if (!SCANNED_DEVICE.test(name)) continue;
    const device = await resolveDevice(join(devDir, name));
    if (device) devices.add(device);
  }
  const found: Found[] = [];
  for (const device of devices) {
    const usb = await readUsbInfo(join(sysDir, basename(device), 'device'));
    found.push(withoutUndefined({ device, info: { ...usb, path: device }, stablePath: stable.get(device) }));
  }
  return found;
}

/** USB attributes sit on the USB device, a few levels above the tty's own sysfs node. */
async function readUsbInfo(sysDevice: string): Promise<Omit<ListedPort, 'path'>> {
  let dir = await resolveDevice(sysDevice);
  for (let level = 0; dir && level < 4; level++, dir = dirname(dir)) {
    const vendorId = await attribute(dir, 'idVendor');
    if (vendorId === undefined) continue;
    return {
      vendorId,
      productId: await attribute(dir, 'idProduct'),
      manufacturer: await attribute(dir, 'manufacturer'),
      serialNumber: await attribute(dir, 'serial'),
    };
  }
  return {};
}

function describe({ device, info: port, stablePath }: Found): SerialPortEntry {
  const vendorId = normaliseUsbId(port.vendorId);
  const productId = normaliseUsbId(port.productId);
  const chip = findUsbSerialChip(vendorId, productId);
  return withoutUndefined({
    path: stablePath ?? port.path,
    device,
    stablePath,
    manufacturer: port.manufacturer,
    serialNumber: port.serialNumber,
    vendorId,
    productId,
    chip: chip?.name,
    likelyMeterAdapter: chip !== null,
  });
}

async function names(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

async function attribute(dir: string, name: string): Promise<string | undefined> {
  const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
  return text?.trim() || undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
