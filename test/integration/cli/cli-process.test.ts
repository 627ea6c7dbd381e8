/** The real `smartmeter-bridge` process as a user meets it: help on every command, and stopping a running one. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliProcess } from '../../helpers/cli-process.ts';
import { until } from '../../helpers/wait.ts';

const started: CliProcess[] = [];
afterEach(() => started.splice(0).forEach((p) => p.kill()));
function cli(args: string[], stdin: 'pipe' | 'ignore' = 'ignore'): CliProcess {
  const process = runCli(args, stdin);
  started.push(process);
  return process;
}

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('help and version', () => {
  it.each([
    [['--help'], 'usage: smartmeter-bridge <command>'],
    [['-h'], 'usage: smartmeter-bridge <command>'],
    [['help', 'decode'], 'usage: smartmeter-bridge decode'],
    [['serve', '--help'], 'usage: smartmeter-bridge serve'],
    [['serve', '--config', 'missing.yaml', '-h'], 'usage: smartmeter-bridge serve'],
    [['decode', '--help'], 'usage: smartmeter-bridge decode'],
    [['simulate', '-h'], 'usage: smartmeter-bridge simulate'],
  ])('%j prints the usage and exits 0', async (args, usage) => {
    const run = cli(args);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain(usage);
    expect(run.stderr()).toBe('');
  });

  it('--version prints the version and exits 0', async () => {
    const run = cli(['--version']);
    expect(await run.exited).toBe(0);
    expect(run.stdout().trim()).toBe(version);
  });
});

describe('decode from a stream that never ends', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('stops on %s, having printed what it decoded', async (signal) => {
    const telegram = cli(['simulate', '--meter', 'dsmr5', '--count', '1']);
    expect(await telegram.exited).toBe(0);
    const decode = cli(['decode', '-'], 'pipe');
    // Standard input stays open, like a serial device: only the signal can end it.
    decode.child.stdin!.write(telegram.stdout());
    await until(() => decode.stdout().includes('\n'), 'the decoded telegram', 20_000);
    decode.child.kill(signal);
    expect(await decode.exited).toBe(0);
    const lines = decode.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ protocol: 'dsmr', meterId: 'E0026000000012345' });
  });
});

describe('simulate', () => {
  it('runs many messages without piling up abort listeners', async () => {
    const run = cli(['simulate', '--meter', 'dsmr5', '--interval', '0.001', '--count', '30']);
    expect(await run.exited).toBe(0);
    expect(run.stdout().match(/^\/KFM5/gm)).toHaveLength(30);
    expect(run.stderr()).not.toContain('MaxListenersExceededWarning');
  });
});

describe('serve with a config it cannot use', () => {
  it.skipIf(process.platform !== 'linux')(
    'exits 2 at once, naming the key, for a queue.dir that cannot be created',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'smb-it-queue-dir-'));
      writeFileSync(join(dir, 'bridge.yaml'), 'queue:\n  dir: /proc/self/nope\n');
      const serve = cli(['serve', '--config', join(dir, 'bridge.yaml'), '--data-dir', join(dir, 'data')]);
      expect(await serve.exited).toBe(2);
      expect(serve.stderr()).toContain('queue.dir: cannot create the folder /proc/self/nope: ENOENT');
    },
  );

  it.skipIf(process.platform !== 'linux')('exits 2 at once for a --data-dir that cannot be created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smb-it-data-dir-'));
    writeFileSync(join(dir, 'bridge.yaml'), 'embeddedBroker:\n  enabled: false\nbroker:\n  url: mqtt://127.0.0.1:1\n');
    const serve = cli(['serve', '--config', join(dir, 'bridge.yaml'), '--data-dir', '/proc/self/nope']);
    expect(await serve.exited).toBe(2);
    expect(serve.stderr()).toContain('--data-dir: cannot create the folder /proc/self/nope: ENOENT');
  });
});
