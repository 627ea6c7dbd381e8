/**
 * The api's probeSerialPort: one probe per port at a time, never on a port a running source reads, and its outcome
 * in the contract's words. A key that does not open the meter's frames is an `auth` failure the UI shows as such.
 */
import { ApiFailure, type ApiParams, type BridgeView, type SerialProbeView } from '../../../shared/api.ts';
import { harmonize } from '../../../shared/profile/index.ts';
import { parseHex } from '../../../shared/protocols/hex.ts';
import { resolveDevice } from '../transports/stable-path.ts';
import { formatLineSettings } from '../transports/line-settings.ts';
import { probeSerialPort, type SerialProbeOptions } from './serial-probe.ts';

export interface ProbeHandlerOptions {
  /** The running bridge: the serial ports its sources read are not probed. */
  bridge: () => BridgeView | undefined;
  /** Passed to every probe (tests: a shorter timeout, a mock binding). */
  probe?: Omit<SerialProbeOptions, 'path' | 'key' | 'authKey'>;
}

export function createProbeHandler(options: ProbeHandlerOptions) {
  const probing = new Set<string>();
  const device = async (path: string) => (await resolveDevice(path)) ?? path;

  return async (params: ApiParams<'probeSerialPort'>): Promise<SerialProbeView> => {
    const target = await device(params.path);
    const busy = await Promise.all(readPorts(options.bridge()).map(device));
    if (busy.includes(target)) {
      throw new ApiFailure('busy', `${params.path} is read by a configured source: stop or remove it to probe again`);
    }
    if (probing.has(target)) throw new ApiFailure('busy', `${params.path} is being probed already`);
    probing.add(target);
    try {
      const key = params.key === undefined ? undefined : bytes(params.key);
      const authKey = params.authKey === undefined ? undefined : bytes(params.authKey);
      const outcome = await probeSerialPort({ ...options.probe, path: params.path, key, authKey });
      if ('error' in outcome) throw new ApiFailure(outcome.error.kind, outcome.error.message);
      const lineSettings = formatLineSettings(outcome.settings);
      const lineSettingsProven = outcome.proven;
      if ('decryptError' in outcome) {
        if (key) throw new ApiFailure('auth', keyRefused(outcome.decryptError.message));
        return { path: params.path, lineSettings, lineSettingsProven, encrypted: true, decrypted: false, readings: [] };
      }
      const { message } = outcome;
      const { manufacturer, model, family, transport, encrypted } = message.info;
      return {
        path: params.path,
        protocol: message.protocol,
        ...defined({ transport, meterId: message.meterId, manufacturer, model, family }),
        lineSettings,
        lineSettingsProven,
        encrypted: encrypted === true,
        decrypted: true,
        readings: harmonize(message),
      };
    } finally {
      probing.delete(target);
    }
  };
}

/** `serial:/dev/ttyUSB0` → `/dev/ttyUSB0`, for every serial source that is not stopped. */
function readPorts(bridge: BridgeView | undefined): string[] {
  const sources = bridge?.sources ?? [];
  return sources.filter((s) => s.type === 'serial' && s.state.state !== 'stopped').map((s) => s.label.slice(7));
}

function bytes(hex: string): Uint8Array {
  const parsed = parseHex(hex);
  if (!parsed.ok) throw new ApiFailure('invalid', parsed.message);
  return parsed.bytes;
}

/** Whatever the decoder found wrong (tag mismatch, or plaintext that parses as nothing), the key is what to check. */
function keyRefused(reason: string): string {
  return `authentication failed: check the key (and the authentication key, if your grid operator gave you one); the meter's frames do not decrypt with it (${reason})`;
}

function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
