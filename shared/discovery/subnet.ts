/** The addresses of a subnet the user names for an HTTP scan: IPv4 only, never wider than a /24. */
import { parseIpv4 } from './text.ts';

export const NARROWEST_SCAN_PREFIX = 24;

/** The host addresses of `a.b.c.d/n` (24 ≤ n ≤ 32; network and broadcast left out where they exist), or an error. */
export function subnetHosts(cidr: string): { hosts: string[] } | { error: string } {
  const [address = '', prefixText, extra] = cidr.trim().split('/');
  const parts = parseIpv4(address);
  if (!parts || extra !== undefined)
    return { error: `"${cidr.slice(0, 40)}" is not an IPv4 subnet like 192.168.1.0/24` };
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (!/^\d{1,2}$/.test(prefixText ?? '32') || prefix > 32) return { error: `"/${prefixText}" is not a prefix length` };
  if (prefix < NARROWEST_SCAN_PREFIX) {
    return { error: `a scan covers at most a /${NARROWEST_SCAN_PREFIX} (256 addresses); /${prefix} is wider` };
  }
  const size = 2 ** (32 - prefix);
  const first = parts[3] - (parts[3] % size);
  const offsets = Array.from({ length: size }, (_, i) => i);
  // A /31 and a /32 have no network or broadcast address (RFC 3021).
  const usable = size > 2 ? offsets.slice(1, -1) : offsets;
  return { hosts: usable.map((i) => `${parts[0]}.${parts[1]}.${parts[2]}.${first + i}`) };
}
