/**
 * IEC 62056-21 data set addresses to full OBIS codes (IEC 62056-61), for the profile: readouts keep the address as
 * the meter wrote it, and the harmonizer asks this what it means. Meters shorten addresses: value groups A and B left
 * out (`1.8.0`), E left out (`32.7`), and in groups C and D the letters C, F, L, P standing for 96, 97, 98, 99
 * (`C.1.0` is 96.1.0, the serial number; `F.F` is 97.97.0, the error register). A left-out A-B is `1-0`: the optical
 * D0 interface belongs to electricity meters, and a heat meter's `6.8` then names no row of the profile.
 */
import { formatObis } from '../obis.ts';

const LETTERS: Record<string, number> = { C: 96, F: 97, L: 98, P: 99 };
const ADDRESS = /^(?:(\d{1,3})-(\d{1,3}):)?(\d{1,3}|[CFLP])\.(\d{1,3}|[CFLP])(?:\.(\d{1,3}))?(?:[*&](\d{1,3}))?$/;
const ELECTRICITY = 1;

/** Readouts repeat the same addresses every time: each is read once (bounded, as addresses come from the wire). */
const MAX_CACHED = 4096;
const cache = new Map<string, string | null>();

/** `1.8.0` → `1-0:1.8.0`, `0-0:C.1.0*255` → `0-0:96.1.0`, `F.F` → `1-0:97.97.0`; null for what is no OBIS address. */
export function fullObis(address: string): string | null {
  const known = cache.get(address);
  if (known !== undefined) return known;
  if (cache.size >= MAX_CACHED) cache.clear();
  const full = parse(address.trim());
  cache.set(address, full);
  return full;
}

function parse(address: string): string | null {
  const m = ADDRESS.exec(address);
  if (!m) return null;
  const [, a, b, c, d, e, f] = m;
  const parts = [
    a === undefined ? ELECTRICITY : Number(a),
    b === undefined ? 0 : Number(b),
    group(c!),
    group(d!),
    e === undefined ? 0 : Number(e),
    f === undefined ? 255 : Number(f),
  ];
  return parts.every((p) => p <= 255) ? formatObis(parts) : null;
}

function group(text: string): number {
  return LETTERS[text] ?? Number(text);
}
