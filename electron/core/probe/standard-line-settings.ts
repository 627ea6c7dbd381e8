/**
 * The line setting a protocol's own standard prescribes for a message's link, where there is one: what the probe
 * reports on a port that reads at any setting (a pty reads the meter at every one it tries, so the first that
 * worked says nothing about the meter).
 */
import type { DecodedMessage } from '../../../shared/protocols/types.ts';
import { parseLineSettings, type LineSettings } from '../transports/line-settings.ts';

const setting = (text: string): LineSettings => parseLineSettings(text)!;

/** DSMR 4 and 5 P1 (the version line 1-3:0.2.8 exists from DSMR 4 on). */
const DSMR_4_P1 = setting('115200 8N1');
/** Wired M-Bus (EN 13757-2): DLMS pushes over M-Bus (CII) and plain M-Bus meters. */
const WIRED_MBUS = setting('2400 8E1');
/** SML over the optical or wired D0 interface. */
const SML_D0 = setting('9600 8N1');

/** Undefined where meters differ (HDLC pushes run at 2400 or 9600; DSMR 2.2/3 P1 at 9600 7E1 without a version). */
export function standardLineSettings(message: DecodedMessage): LineSettings | undefined {
  switch (message.protocol) {
    case 'dsmr':
      return message.info.version ? DSMR_4_P1 : undefined;
    case 'dlms':
      return message.info.transport === 'mbus' ? WIRED_MBUS : undefined;
    case 'mbus':
      return WIRED_MBUS;
    case 'sml':
      return SML_D0;
    default:
      return undefined;
  }
}
