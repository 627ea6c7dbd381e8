/**
 * Ports the system's list never shows, named in `serial.extraPorts`: socat and ser2net ptys, virtual COM ports. Each
 * entry is a path or a simple glob (`*`, `?` in its last part, e.g. `/tmp/ttyV*`); a POSIX path is listed while it
 * exists, a Windows COM name always (only opening it would tell).
 */
import { readdir, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SerialPortView } from '../../../shared/api.ts';

const WINDOWS_PORT = /^(\\\\\.\\)?COM\d{1,3}$/i;

export async function listExtraPorts(patterns: readonly string[]): Promise<SerialPortView[]> {
  const found = new Map<string, SerialPortView>();
  for (const pattern of patterns) {
    if (WINDOWS_PORT.test(pattern)) {
      found.set(pattern, { path: pattern, device: pattern, likelyMeterAdapter: false, configured: true });
      continue;
    }
    for (const path of await expand(pattern)) {
      const device = await realpath(path).catch(() => undefined);
      if (device && !found.has(path)) found.set(path, { path, device, likelyMeterAdapter: false, configured: true });
    }
  }
  return [...found.values()];
}

/** The system's list and the configured ports, each device once: the system's entry knows more (USB ids, by-id). */
export function withExtraPorts(system: SerialPortView[], extra: SerialPortView[]): SerialPortView[] {
  const known = new Set(system.flatMap((p) => [p.path, p.device]));
  return [...system, ...extra.filter((p) => !known.has(p.device) && !known.has(p.path))];
}

async function expand(pattern: string): Promise<string[]> {
  const name = basename(pattern);
  if (!/[*?]/.test(name)) return [pattern];
  const dir = dirname(pattern);
  const matches = globRegExp(name);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => matches.test(n))
    .sort()
    .map((n) => join(dir, n));
}

function globRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}
