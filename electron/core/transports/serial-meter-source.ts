/**
 * The byte source for a configured serial meter: an IEC 62056-21 meter in mode C is asked for its readout every poll
 * interval; a wireless M-Bus stick is set up and listened to at its own rate; every other meter (mode D included)
 * pushes, and is listened to with fixed or auto-detected settings.
 */
import type { DecoderOptions } from '../../../shared/protocols/types.ts';
import { STICKS, type WmbusLinkMode, type WmbusStick } from '../../../shared/protocols/wmbus/sticks/index.ts';
import type { BackoffOptions } from './backoff.ts';
import type { ByteSource } from './byte-source.ts';
import { ModeCSource } from './iec-mode-c.ts';
import type { LineSettings } from './line-settings.ts';
import { SerialSource } from './serial-source.ts';

/** The serial source's configuration fields this needs (shared/config/schema.ts). */
export interface SerialMeterConfig {
  port: string;
  settings: LineSettings | 'auto';
  protocol: string;
  mode?: 'C' | 'D';
  pollSeconds?: number;
  address?: string;
  maxBaudRate?: number;
  stick?: WmbusStick;
  linkMode?: WmbusLinkMode;
}

/** IEC 62056-21 mode D pushes at 2400 7E1; auto-detection would not find it (the dialect has no checksum to prove). */
export const IEC_MODE_D_LINE: LineSettings = { baudRate: 2400, dataBits: 7, parity: 'even', stopBits: 1 };
export const DEFAULT_POLL_SECONDS = 30;

export function serialMeterSource(
  source: SerialMeterConfig,
  options: { decoderOptions?: DecoderOptions; backoff?: BackoffOptions } = {},
): ByteSource {
  const { port: path, settings, protocol, mode } = source;
  const iec = protocol === 'iec62056-21';
  if (iec && mode === 'C') {
    const { pollSeconds = DEFAULT_POLL_SECONDS, address, maxBaudRate } = source;
    return new ModeCSource({ path, pollSeconds, address, maxBaudRate, backoff: options.backoff });
  }
  if (protocol === 'wmbus') {
    // A stick talks 8N1 at a rate of its own, and is put into the meters' radio mode at every open.
    const stick = STICKS[source.stick ?? 'raw'];
    const line: LineSettings = { baudRate: stick.baudRate, dataBits: 8, parity: 'none', stopBits: 1 };
    return new SerialSource({
      path,
      settings: settings === 'auto' ? line : settings,
      init: stick.init(source.linkMode ?? 'T1'),
      decoderOptions: options.decoderOptions,
      backoff: options.backoff,
    });
  }
  return new SerialSource({
    path,
    settings: iec && settings === 'auto' ? IEC_MODE_D_LINE : settings,
    decoderOptions: options.decoderOptions,
    backoff: options.backoff,
  });
}
