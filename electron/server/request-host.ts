/**
 * Which Host and Origin headers the UI server answers. Loopback binding alone does not stop DNS rebinding: a page on
 * evil.example can point its name at 127.0.0.1, but its requests still say `Host: evil.example`, so only names that
 * mean this machine (and the ones the user configured) are accepted.
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Host names (no port) accepted for a server bound to `bindHost`; IPv6 literals in brackets, as Host carries them. */
export function allowedHosts(bindHost: string, configured: readonly string[] = []): ReadonlySet<string> {
  const bracket = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  return new Set([...LOOPBACK_NAMES, bindHost, ...configured].map((h) => bracket(h.toLowerCase())));
}

/** The name in a Host header without its port (`[::1]:8099` → `[::1]`, `localhost.:80` → `localhost`). */
function hostName(header: string): string {
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d*$/, '');
  return name.toLowerCase().replace(/\.$/, '');
}

export function hostAllowed(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  return header !== undefined && allowed.has(hostName(header));
}

/** Only pages served by this server (or tools that send no Origin) may open the api socket. */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}
