/** Shared test helpers: decode a whole byte sequence, pick the one message or error. */
import { expect } from 'vitest';
import { createMbusDecoder } from '../../../shared/protocols/mbus/index.ts';
import type { DecodeError, DecodeOutput, MbusMessage } from '../../../shared/protocols/types.ts';

export function decodeAll(...chunks: ArrayLike<number>[]): DecodeOutput[] {
  const decoder = createMbusDecoder({ timeZone: 'Europe/Zurich' });
  return [...chunks.flatMap((c) => decoder.push(Uint8Array.from(c))), ...decoder.end()];
}

export function onlyMessage(outputs: DecodeOutput[]): MbusMessage {
  expect(outputs.map((o) => (o.ok ? 'message' : `${o.error.kind}: ${o.error.message}`))).toEqual(['message']);
  const [out] = outputs;
  if (!out?.ok || out.message.protocol !== 'mbus') throw new Error('unreachable: checked above');
  return out.message;
}

export function onlyError(outputs: DecodeOutput[]): DecodeError {
  expect(outputs).toHaveLength(1);
  const [out] = outputs;
  if (!out || out.ok) throw new Error(`expected an error, got ${JSON.stringify(out)}`);
  return out.error;
}
