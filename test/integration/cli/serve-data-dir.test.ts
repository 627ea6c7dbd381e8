/**
 * `serve` with a data folder it cannot use says where that folder came from: --data-dir, SMARTMETER_BRIDGE_DATA, or
 * the default (which the user never typed, and may not know can be changed). Before, each was blamed on --data-dir.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliForErrors } from '../../helpers/cli-in-process.ts';

/** A path below a plain file: no folder can be made there, on any system. */
const file = join(mkdtempSync(join(tmpdir(), 'smb-datadir-')), 'a-file');
writeFileSync(file, '');
const unusable = join(file, 'data');

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

const serve = (args: string[]) => runCliForErrors(['serve', ...args]);

describe('serve: an unusable data folder', () => {
  it('given with --data-dir: exit 2 naming --data-dir', async () => {
    const { code, err } = await serve(['--data-dir', unusable]);
    expect(code).toBe(2);
    expect(err).toMatch(/^serve: --data-dir: .*nothing was started/);
  });

  it('given in SMARTMETER_BRIDGE_DATA: exit 2 naming the variable', async () => {
    process.env.SMARTMETER_BRIDGE_DATA = unusable;
    const { code, err } = await serve([]);
    expect(code).toBe(2);
    expect(err).toMatch(/^serve: SMARTMETER_BRIDGE_DATA: .*nothing was started/);
  });

  it.runIf(process.platform === 'linux')('the default: exit 2 saying it is the default and --data-dir', async () => {
    delete process.env.SMARTMETER_BRIDGE_DATA;
    process.env.XDG_STATE_HOME = file;
    const { code, err } = await serve([]);
    expect(code).toBe(2);
    expect(err).toMatch(/^serve: the default data folder \(choose one with --data-dir\): .*nothing was started/);
  });
});
