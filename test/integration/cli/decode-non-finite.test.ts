/**
 * JSON has no NaN or Infinity: a meter float sent as one must not print `"value": null` where readers expect a
 * number. `decode` (the real process) leaves such values out of `values` and lists them in `invalid` with their word.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { encodeDataNotification, encodeHdlc } from '../../../shared/protocols/dlms/encode.ts';
import { runCli } from '../../helpers/cli-process.ts';
import { registerPush, u32 } from '../../unit/dlms/fixtures.ts';

it('prints non-finite floats apart, never as null, and only finite numbers as values and readings', async () => {
  const push = registerPush([
    ['1-0:1.7.0', u32(1200), 0, 27],
    ['1-0:2.7.0', { type: 'float32', value: Number.NaN }, 0, 27],
    ['1-0:32.7.0', { type: 'float64', value: Number.POSITIVE_INFINITY }, 0, 35],
    ['1-0:52.7.0', { type: 'float64', value: Number.NEGATIVE_INFINITY }, 0, 35],
  ]);
  const file = join(mkdtempSync(join(tmpdir(), 'smb-it-nan-')), 'push.bin');
  writeFileSync(file, encodeHdlc(encodeDataNotification(push)));
  const decode = runCli(['decode', '--protocol', 'dlms', file]);
  expect(await decode.exited).toBe(0);
  expect(decode.stdout()).not.toContain('null');
  const line = JSON.parse(decode.stdout()) as {
    values: { obis: string; value: unknown }[];
    readings: { value: unknown }[];
    invalid: { obis: string; value: unknown; unit: string }[];
  };
  expect(line.values).toEqual([expect.objectContaining({ obis: '1-0:1.7.0', value: 1200, unit: 'W' })]);
  expect(line.readings.every((r) => typeof r.value === 'number' && Number.isFinite(r.value))).toBe(true);
  expect(line.invalid).toEqual([
    expect.objectContaining({ obis: '1-0:2.7.0', value: 'NaN', unit: 'W' }),
    expect.objectContaining({ obis: '1-0:32.7.0', value: 'Infinity', unit: 'V' }),
    expect.objectContaining({ obis: '1-0:52.7.0', value: '-Infinity', unit: 'V' }),
  ]);
});
