/**
 * The keys of encrypted meters set under `meters`: keyed by the meter's system title (what each ciphered frame
 * names) or by its meter ID (what the UI's Meter settings saves, since that is the meter the user sees). A frame
 * names only its system title, so each meter's title is remembered once one of its frames decoded (kept across
 * restarts in the meter registry), and a key under its meter ID then decrypts it too. Wireless M-Bus frames name
 * their meter ID themselves.
 */
import { toHex } from '../../../shared/protocols/hex.ts';
import type { DecoderOptions } from '../../../shared/protocols/types.ts';
import type { ResolvedConfig } from '../config/load-config.ts';

type Keys = { key?: Uint8Array; authKey?: Uint8Array };

export class MeterKeys {
  /** System title (hex, upper case) → meter ID. */
  private readonly meterOf = new Map<string, string>();

  /** A meter's system title as a decoded frame gave it; cheap enough for every message. */
  note(meterId: string, systemTitle: string | undefined): void {
    if (systemTitle !== undefined && this.meterOf.get(systemTitle) !== meterId) this.meterOf.set(systemTitle, meterId);
  }

  /** The decoder's per-meter lookup for these meters' keys; undefined when none has a key. */
  keysFor(meters: ResolvedConfig['meters']): DecoderOptions['keysFor'] {
    const byId = new Map<string, Keys>();
    for (const [id, m] of Object.entries(meters)) {
      if (!m.key) continue;
      const keys: Keys = { key: m.key.reveal() };
      if (m.authKey) keys.authKey = m.authKey.reveal();
      byId.set(id, keys);
      byId.set(id.toUpperCase(), keys);
    }
    if (byId.size === 0) return undefined;
    return (title) => {
      const hex = toHex(title);
      const meterId = this.meterOf.get(hex);
      return byId.get(hex) ?? (meterId === undefined ? undefined : byId.get(meterId));
    };
  }

  /** Wireless M-Bus names its meter in every frame: the key is looked up by meter ID alone. */
  meterKey(meters: ResolvedConfig['meters']): DecoderOptions['meterKey'] {
    const byId = new Map<string, Uint8Array>();
    for (const [id, m] of Object.entries(meters)) if (m.key) byId.set(id, m.key.reveal());
    return byId.size === 0 ? undefined : (meterId) => byId.get(meterId);
  }
}
