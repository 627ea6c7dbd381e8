/** Argument checks shared by the subcommands: each failure is a UsageError with the option's name in it. */
import { parseHex } from '../../shared/protocols/hex.ts';
import { WMBUS_STICKS, type WmbusStick } from '../../shared/protocols/wmbus/sticks/index.ts';

export class UsageError extends Error {}

/** An AES-128 key from hex, or undefined when the option was not given. */
export function parseKey(name: string, text: string | undefined): Uint8Array | undefined {
  if (text === undefined) return undefined;
  const hex = parseHex(text);
  if (!hex.ok) throw new UsageError(`--${name}: ${hex.message}`);
  if (hex.bytes.length !== 16)
    throw new UsageError(`--${name}: an AES-128 key has 32 hex digits, got ${hex.bytes.length * 2}`);
  return hex.bytes;
}

/** `--stick`: a wireless M-Bus USB stick's framing (shared/protocols/wmbus/sticks). */
export function parseStick(text: string): WmbusStick {
  const stick = WMBUS_STICKS.find((name) => name === text);
  if (!stick) throw new UsageError(`--stick: expected ${WMBUS_STICKS.join(', ')}; got '${text}'`);
  return stick;
}

export function parsePositive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name}: expected a positive number, got '${text}'`);
  return n;
}
