/**
 * Meters whose data arrives but cannot be read: a source counts frames of theirs that failed to decrypt since they
 * last decoded (wireless M-Bus frames carry their meter's ID in the clear), and the meter is not online with values.
 * Such a meter never decoded, so nothing else lists it; the UI asks for its key.
 */
import type { BridgeView } from '../../../shared/api.ts';

export interface LockedMeter {
  meterId: string;
  /** The source's label, e.g. `serial:/dev/ttyUSB0`. */
  source: string;
  /** Its frames that failed to decrypt since the source (re)started: growing after a key was saved, the key is wrong. */
  decryptErrors: number;
  /** The decoder's words, e.g. that the meter's key is missing or does not match. */
  message: string;
}

export function lockedMeters(bridge: BridgeView): LockedMeter[] {
  const online = new Set(bridge.meters.filter((m) => m.online).map((m) => m.meterId));
  const locked = new Map<string, LockedMeter>();
  for (const source of bridge.sources) {
    for (const { meterId, errors, message } of source.counters.lockedMeters ?? []) {
      if (online.has(meterId) || locked.has(meterId)) continue;
      locked.set(meterId, { meterId, source: source.label, decryptErrors: errors, message });
    }
  }
  return [...locked.values()];
}
