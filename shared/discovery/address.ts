/** An address the user types for an HTTP probe: a host name or IP literal, optionally with a port. */

export interface ProbeAddress {
  host: string;
  port: number;
}

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.?$/;

/** `192.168.1.50`, `gplug-1234.local`, `192.168.1.50:8080`, `[fe80::1]:80` or `http://…/`; an error otherwise. */
export function parseProbeAddress(text: string): ProbeAddress | { error: string } {
  const bare = text
    .trim()
    .replace(/^http:\/\//i, '')
    .replace(/\/$/, '');
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(bare);
  const plain = /^([^:/[\]\s]+)(?::(\d{1,5}))?$/.exec(bare);
  const match = bracketed ?? plain;
  const port = match?.[2] === undefined ? 80 : Number(match[2]);
  if (!match || (!bracketed && !HOST_NAME.test(match[1]!)) || port < 1 || port > 65535) {
    return { error: `"${text.slice(0, 60)}" is not an address like 192.168.1.50 or gplug.local` };
  }
  return { host: match[1]!, port };
}
