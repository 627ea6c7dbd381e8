/**
 * `serve` with a data folder it cannot use says where that folder came from: --data-dir, SMARTMETER_BRIDGE_DATA, or
 * the default (which the user never typed, and may not know can be changed). Before, each was blamed on --data-dir.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/io.ts';
import { runCli } from '../../../electron/cli/main.ts';

/** A path below a plain file: no folder can be made there, on any system. */
const file = join(mkdtempSync(join(tmpdir(), 'smb-datadir-')), 'a-file');
writeFileSync(file, '');
const unusable = join(file, 'data');

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

async function serve(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const io: CliIo = {
    open: () => (async function* () {})(),
    out: () => {},
    err: (line) => (err += `${line}\n`),
    stdout: new PassThrough(),
  };
  return { code: await runCli(['serve', ...args], io), err };
}

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
