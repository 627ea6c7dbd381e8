/** Every DSMR capture of the shared corpus decodes to what the independent oracle read from it. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDsmrDecoder, lookupObis } from '../../../shared/protocols/dsmr/index.ts';
import { parseHex } from '../../../shared/protocols/hex.ts';
import type { DecodeOutput, ObisMessage } from '../../../shared/protocols/types.ts';
import { idMatches, valueMatches, type ExpectedValue } from './corpus-compare.ts';

const corpus = new URL('../../../../shared/corpus/', import.meta.url);
const manifest = new URL('manifest.json', corpus);

interface DsmrCase {
  id: string;
  protocol: string;
  file: string;
  key?: string;
  authKey?: string;
  expected: { messages: number; meterId?: string; meterIdAlternatives?: string[]; values: ExpectedValue[] };
}

function loadCases(): DsmrCase[] {
  if (!existsSync(manifest)) return [];
  const all = JSON.parse(readFileSync(manifest, 'utf8')) as DsmrCase[];
  return all.filter((c) => c.protocol === 'dsmr');
}

function keyOf(hex: string | undefined): Uint8Array | undefined {
  if (hex === undefined) return undefined;
  const parsed = parseHex(hex);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.bytes;
}

function decodeCase(c: DsmrCase): DecodeOutput[] {
  const decoder = createDsmrDecoder({ key: keyOf(c.key), authKey: keyOf(c.authKey), timeZone: 'Europe/Amsterdam' });
  const bytes = new Uint8Array(readFileSync(new URL(c.file, corpus)));
  return [...decoder.push(bytes), ...decoder.end()];
}

const cases = loadCases();

describe.skipIf(cases.length === 0)('DSMR corpus', () => {
  it('holds the 14 DSMR cases', () => {
    expect(cases).toHaveLength(14);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const outputs = decodeCase(c);
    expect(outputs.filter((o) => !o.ok)).toEqual([]);
    const messages = outputs.flatMap((o) => (o.ok ? [o.message as ObisMessage] : []));
    expect(messages).toHaveLength(c.expected.messages);
    const message = messages[0]!;

    const missing = c.expected.values.filter(
      (want) => !message.values.some((got) => got.obis === want.obis && valueMatches(want, got)),
    );
    expect(missing).toEqual([]);

    if (c.expected.meterId !== undefined) {
      const ids = [c.expected.meterId, ...(c.expected.meterIdAlternatives ?? [])];
      expect(idMatches(ids, message.meterId), `meterId ${message.meterId} not one of ${ids.join(', ')}`).toBe(true);
    }
    expect(message.info.transport).toBe('p1');
    if (c.key !== undefined) expect(message.info.encrypted).toBe(true);
  });

  it('states the units the OBIS table expects for every value it knows', () => {
    const mismatches = cases.flatMap((c) =>
      decodeCase(c).flatMap((o) =>
        o.ok
          ? (o.message as ObisMessage).values.flatMap((v) => {
              const entry = v.obis ? lookupObis(v.obis) : undefined;
              const ok = !entry || v.unit === null || entry.units.includes(v.unit);
              return ok ? [] : [`${c.id} ${v.obis} ${v.unit}`];
            })
          : [],
      ),
    );
    expect(mismatches).toEqual([]);
  });
});
