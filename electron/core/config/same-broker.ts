import { isLoopback } from './loopback.ts';

const ANY_ADDRESS = new Set(['0.0.0.0', '::']);
const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 };

function address(url: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(url);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) || (DEFAULT_PORTS[u.protocol] ?? 0) };
  } catch {
    return undefined;
  }
}

/**
 * Whether `url` reaches the broker listening at `listening` (a URL as it reports itself) from this machine:
 * `mqtt://localhost:1883` reaches one on 127.0.0.1:1883 or on every interface.
 */
export function reachesBroker(url: string, listening: string): boolean {
  const to = address(url);
  const at = address(listening);
  if (!to || !at || to.port !== at.port) return false;
  const local = (host: string) => isLoopback(host) || ANY_ADDRESS.has(host);
  return to.host === at.host || (local(to.host) && local(at.host));
}
