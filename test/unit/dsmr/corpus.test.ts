/**
 * DSMR properties over the real captures; that each decodes to the oracle's values is test/corpus (through `decode`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDsmrDecoder, encodeTelegram, lookupObis } from '../../../shared/protocols/dsmr/index.ts';
import { parseHex } from '../../../shared/protocols/hex.ts';
import type { DecodeOutput, ObisMessage } from '../../../shared/protocols/types.ts';

const corpus = new URL('../../../../shared/corpus/', import.meta.url);
const manifest = new URL('manifest.json', corpus);

interface DsmrCase {
  id: string;
  protocol: string;
  file: string;
  key?: string;
  authKey?: string;
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

  it('re-encodes every telegram with a four-digit CRC byte for byte', () => {
    const telegrams = cases
      .filter((c) => c.file.endsWith('.txt'))
      .map((c) => String.fromCharCode(...readFileSync(new URL(c.file, corpus))))
      .map((text) => /\/[^]*?\r\n![0-9A-F]{4}\r\n/.exec(text)?.[0])
      .filter((t): t is string => t !== undefined);
    expect(telegrams.length).toBeGreaterThanOrEqual(8);
    for (const t of telegrams) {
      const [header = '', , ...rest] = t.slice(1).split('\r\n');
      const lines = rest.slice(
        0,
        rest.findIndex((l) => l.startsWith('!')),
      );
      expect(String.fromCharCode(...encodeTelegram({ header, lines }))).toBe(t);
    }
  });
});
