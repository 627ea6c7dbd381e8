/**
 * The real `serve` process and its data dir: a second bridge on the same dir is refused (naming the PID), a lock left
 * by a killed bridge is taken over, and SIGTERM ends it with exit 0 even while the broker is unreachable, with what
 * it could not send kept on disk.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { OfflineQueue } from '../../../electron/core/mqtt/offline-queue.ts';
import { openMqttPublishing } from '../../../electron/core/mqtt/open-publishing.ts';
import { runCli, type CliProcess } from '../../helpers/cli-process.ts';
import { freePort, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';
import { waitFor } from './mqtt-test-kit.ts';

const running: CliProcess[] = [];
const made: string[] = [];
let brokers: Mosquitto[] = [];

afterEach(async () => {
  for (const p of running.splice(0)) p.kill();
  await Promise.all(brokers.map((b) => b.dispose()));
  brokers = [];
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smb-serve-'));
  made.push(dir);
  return dir;
}

/** Runs `serve` publishing to `brokerUrl` with its data in `dataDir`. */
async function serve(brokerUrl: string, dataDir: string, queue: Record<string, number> = {}): Promise<CliProcess> {
  const config = join(tempDir(), 'bridge.yaml');
  writeFileSync(
    config,
    stringify({
      broker: { url: brokerUrl },
      embeddedBroker: { enabled: false },
      ui: { port: await freePort() },
      queue: { shutdownFlushMs: 1000, ...queue },
    }),
  );
  const p = runCli(['serve', '--config', config, '--data-dir', dataDir]);
  running.push(p);
  return p;
}

async function broker(): Promise<Mosquitto> {
  const b = await startMosquitto();
  brokers.push(b);
  return b;
}

describe('serve: one bridge per data dir, and stopping it', () => {
  it('refuses a second bridge on the same data dir, naming the PID of the first, with exit 1', async () => {
    const b = await broker();
    const dataDir = tempDir();
    const first = await serve(b.url, dataDir);
    await waitFor(() => first.stderr().includes('connected to'), 'the first bridge to connect');

    const second = await serve(b.url, dataDir);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`in use by another smartmeter-bridge (PID ${first.child.pid})`);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('takes over the lock of a bridge that was killed (SIGKILL leaves its lock file behind)', async () => {
    const b = await broker();
    const dataDir = tempDir();
    const killed = await serve(b.url, dataDir);
    await waitFor(() => killed.stderr().includes('connected to'), 'the first bridge to connect');
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(readdirSync(dataDir)).toContain('smartmeter-bridge.lock');

    const next = await serve(b.url, dataDir);
    await waitFor(() => next.stderr().includes('connected to'), 'the next bridge to connect', 20_000);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });

  it('stops on SIGTERM with exit 0 while the broker is unreachable, keeping its messages on disk', async () => {
    const dataDir = tempDir();
    const nobody = `mqtt://127.0.0.1:${await freePort()}`;
    const bridge = await serve(nobody, dataDir);
    await waitFor(() => bridge.stderr().includes(`broker ${nobody}`), 'a failed connection attempt');

    bridge.child.kill('SIGTERM');
    expect(await bridge.exited).toBe(0);
    expect(bridge.stderr()).toContain('stopping');
    // The bridge's own status messages wait in the queue for the next run; the lock is gone.
    expect(readdirSync(join(dataDir, 'queue')).some((f) => f.startsWith('segment-'))).toBe(true);
    expect(readdirSync(dataDir)).not.toContain('smartmeter-bridge.lock');
  });

  it.runIf(process.platform === 'linux')('ends on SIGTERM even while its start-up hangs on the disk', async () => {
    const dataDir = tempDir();
    // A queue file that is a FIFO without a writer: reading it at start-up blocks for ever, like a dead network share.
    mkdirSync(join(dataDir, 'queue'));
    execFileSync('mkfifo', [join(dataDir, 'queue', 'segment-0000000000000001.log')]);
    const bridge = await serve(`mqtt://127.0.0.1:${await freePort()}`, dataDir);
    await waitFor(() => readdirSync(join(dataDir, 'queue')).includes('smartmeter-bridge.lock'), 'the queue lock');

    bridge.child.kill('SIGTERM');
    // It ends itself with SIGKILL: a normal exit would wait for the read stuck in the kernel.
    expect(await bridge.exited).toBe('SIGKILL');
    expect(bridge.stderr()).toContain('stopped during start-up');
  });

  it('stops on SIGTERM with exit 0 in the middle of replaying a long backlog, keeping the rest on disk', async () => {
    const dataDir = tempDir();
    const queueDir = join(dataDir, 'queue');
    // 3,000 readings left by an earlier run during an outage.
    const earlier = await openMqttPublishing({
      broker: { url: `mqtt://127.0.0.1:${await freePort()}` },
      queue: { dir: queueDir },
    });
    for (let n = 1; n <= 3000; n++)
      void earlier.publisher.publish({ topic: 'it/r', payload: `${n}`, qos: 1, retain: false });
    await earlier.close();
    const b = await broker();

    // Replayed at 100/s: far from done when SIGTERM comes.
    const bridge = await serve(b.url, dataDir, { flushRate: 100 });
    await waitFor(() => bridge.stderr().includes('connected to'), 'the bridge to connect');
    bridge.child.kill('SIGTERM');
    expect(await bridge.exited).toBe(0);
    expect(bridge.stderr()).not.toContain('longer than');
    const rest = await OfflineQueue.open({ dir: queueDir });
    expect(rest.size).toBeGreaterThan(1000);
    await rest.close();
  });
});
