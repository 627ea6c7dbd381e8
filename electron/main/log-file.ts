/**
 * The desktop app's log: lines appended to `main.log` in the platform's log folder, rotated at a size limit (the
 * newest few files kept), with anything that looks like a secret blanked out first. Secrets reach the logger as
 * Secret objects printing `***` already; this is the second line, for a key or password quoted in an error message.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const REDACTIONS: [RegExp, string][] = [
  // key=..., password: ..., "authKey":"..." (the config's secret fields, and the usual names for credentials)
  [/\b(password|passwd|pass|secret|token|key|authKey)("?\s*[:=]\s*"?)[^\s",}]+/gi, '$1$2***'],
  // user:password@ in broker URLs
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1***@'],
  // AES-128 keys as hex (DLMS encryption and authentication keys), standing alone
  [/\b[0-9a-f]{32}\b/gi, '***'],
];

export function redact(line: string): string {
  return REDACTIONS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), line);
}

export interface LogFileOptions {
  /** Rotate when the file would grow past this; default 1 MiB. */
  maxBytes?: number;
  /** How many rotated files to keep besides the current one; default 3. */
  keep?: number;
}

/** A line writer for createLogger(); never throws (a full disk costs log lines, not the bridge). */
export function rotatingLogFile(dir: string, options: LogFileOptions = {}): (line: string) => void {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const keep = options.keep ?? 3;
  const file = join(dir, 'main.log');
  const rotated = (n: number) => join(dir, `main.${n}.log`);
  let size: number | undefined;
  const rotate = () => {
    rmSync(rotated(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      try {
        renameSync(rotated(n), rotated(n + 1));
      } catch {
        // That generation does not exist yet.
      }
    }
    renameSync(file, rotated(1));
    size = 0;
  };
  return (line) => {
    const text = `${redact(line)}\n`;
    try {
      if (size === undefined) {
        mkdirSync(dir, { recursive: true });
        size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      }
      if (size > 0 && size + Buffer.byteLength(text) > maxBytes) rotate();
      appendFileSync(file, text);
      size += Buffer.byteLength(text);
    } catch {
      size = undefined;
    }
  };
}
