/** A retained JSON payload another client may have written: its validated content, or undefined (never a throw). */
import type { z } from 'zod';
import { parseJsonPayload } from '../../../shared/sources/json.ts';

export function readRetainedJson<T>(schema: z.ZodType<T>, payload: Uint8Array): T | undefined {
  const parsed = parseJsonPayload(payload);
  if ('error' in parsed) return undefined;
  const result = schema.safeParse(parsed.json);
  return result.success ? result.data : undefined;
}
