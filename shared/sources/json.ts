/** MQTT payloads as JSON: size-capped, strict UTF-8, errors as values; plus the raw text of numbers where it matters. */
import { decodeError, type DecodeError } from '../protocols/types.ts';

/** Gateway messages are a few hundred bytes; anything far larger is not one of them. */
export const MAX_PAYLOAD_BYTES = 65536;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonPayload(payload: Uint8Array): { json: unknown; text: string } | { error: DecodeError } {
  if (payload.length > MAX_PAYLOAD_BYTES) {
    return {
      error: decodeError(
        'syntax',
        `the payload has ${payload.length} bytes, more than the ${MAX_PAYLOAD_BYTES} a gateway message may have`,
      ),
    };
  }
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { error: decodeError('syntax', 'the payload is not UTF-8 text') };
  }
  try {
    return { json: JSON.parse(text) as unknown, text };
  } catch (e) {
    return { error: decodeError('syntax', `the payload is not JSON: ${(e as Error).message.slice(0, 120)}`) };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value reads in an error message: "a string", "null", "missing", "a number out of range", ... */
export function typeName(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : 'a number out of range';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function finiteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The source text of every number directly inside the top-level member `member` (`{"z":{"Pi":0.120}}` gives
 * Pi → "0.120"), which JSON.parse cannot give: it reads 0.120 and 0.12 alike. `text` must be valid JSON.
 * Iterative, so deep nesting in a hostile payload cannot overflow the stack.
 */
export function memberNumberTexts(text: string, member: string): Map<string, string> {
  const found = new Map<string, string>();
  // One entry per open container: its current key (objects) and whether a key is due next.
  const stack: { key?: string; keyDue: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (c === '{' || c === '[') {
      stack.push({ keyDue: c === '{' });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ',') {
      if (top && top.key !== undefined) top.keyDue = true;
      i++;
    } else if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      if (top?.keyDue) {
        top.key = JSON.parse(text.slice(start, i)) as string;
        top.keyDue = false;
      }
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const token = NUMBER.exec(text)?.[0] ?? c;
      if (stack.length === 2 && stack[0]!.key === member && top?.key !== undefined) found.set(top.key, token);
      i += token.length;
    } else {
      i++; // whitespace, ':', and the letters of true/false/null
    }
  }
  return found;
}
