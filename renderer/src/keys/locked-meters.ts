/**
 * Meters whose data arrives but cannot be read: a source's last error is a decrypt error naming the meter (wireless
 * M-Bus frames carry their meter's ID in the clear), and the meter is not online with values. Such a meter never
 * decoded, so nothing else lists it; the UI asks for its key.
 */
import type { BridgeView } from '../../../shared/api.ts';

export interface LockedMeter {
  meterId: string;
  /** The source's label, e.g. `serial:/dev/ttyUSB0`. */
  source: string;
  /** The source's decrypt errors so far: a count that grows after a key was saved means the key is wrong. */
  decryptErrors: number;
  /** The decoder's words, e.g. that the meter's key is missing or does not match. */
  message: string;
}

export function lockedMeters(bridge: BridgeView): LockedMeter[] {
  const online = new Set(bridge.meters.filter((m) => m.online).map((m) => m.meterId));
  const locked = new Map<string, LockedMeter>();
  for (const source of bridge.sources) {
    const error = source.counters.lastError;
    if (error?.kind !== 'decrypt' || !error.meterId || online.has(error.meterId)) continue;
    locked.set(error.meterId, {
      meterId: error.meterId,
      source: source.label,
      decryptErrors: source.counters.decryptErrors,
      message: error.message,
    });
  }
  return [...locked.values()];
}
