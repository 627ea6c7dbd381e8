/**
 * The real `smartmeter-bridge serve` process as a user starts it (a YAML config, a data dir), reading a simulated
 * DSMR 5 meter behind a TCP bridge and publishing to a real Mosquitto: topics arrive, SIGTERM stops it cleanly with
 * the bridge and the meter reported offline (retained), and a bad config file stops it before anything starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tcpSink } from '../../../electron/core/simulator/sinks.ts';
import { SIMULATED_METERS, type WireMeter } from '../../../shared/simulator/index.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { broker, cleanupList, recorder, retained, tempDir, topicOf, waitFor } from './bridge-kit.ts';
import { playMeter } from './meter-player.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const BIN = fileURLToPath(new URL('../../../bin/smartmeter-bridge.js', import.meta.url));
const meter = SIMULATED_METERS.dsmr5!({}) as WireMeter;
const METER_ID = meter.serial;

interface Serve {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  dataDir: string;
}

/** Writes `config` as YAML and runs `serve` on it; killed after the test if it is still running. */
function serve(config: Record<string, unknown>): Serve {
  const dir = tempDir(cleanup, 'smb-it-serve-');
  const configFile = join(dir, 'bridge.yaml');
  const dataDir = join(dir, 'data');
  writeFileSync(configFile, stringify(config));
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configFile, '--data-dir', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanup.add(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  return { child, stderr: () => stderr, exited, dataDir };
}

describe('smartmeter-bridge serve (the real CLI process)', () => {
  it('publishes a TCP meter, and on SIGTERM exits 0 leaving the bridge and the meter offline (retained)', async () => {
    const mosquitto = await broker(cleanup);
    const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/#');
    const meterPort = await freePort();
    const sink = await tcpSink('127.0.0.1', meterPort);
    cleanup.add(() => sink.close());
    const player = playMeter(meter, (bytes) => sink.write(bytes), { intervalMs: 250 });
    cleanup.add(() => player.stop());

    const bridge = serve({
      broker: { url: mosquitto.url },
      embeddedBroker: { enabled: false },
      ui: { port: await freePort() },
      timeZone: 'Europe/Zurich',
      sources: [{ type: 'tcp', id: 'p1', host: '127.0.0.1', port: meterPort }],
    });
    const state = topicOf(METER_ID, 'state');
    await waitFor(() => consumer.payloads(state).length >= 3, 'three readings from the serve process');
    expect(consumer.payloads('smartmeter/bridge/status')).toContain('online');
    const power = consumer.lastJson(topicOf(METER_ID, 'power/power_in'))!;
    const reading = player.sent.find((p) => p.state.time === power.timestamp)!.state;
    expect(power).toMatchObject({ unit: 'W', obis: '1-0:1.7.0' });
    expect(power.value).toBeCloseTo(Number((reading.powerIn / 1000).toFixed(3)) * 1000, 6);

    bridge.child.kill('SIGTERM');
    expect(await bridge.exited).toBe(0);
    expect(bridge.stderr()).toContain('stopping: reporting offline');
    expect(await retained(mosquitto.url, 'smartmeter/bridge/status')).toBe('offline');
    expect(await retained(mosquitto.url, topicOf(METER_ID, 'status'))).toBe('offline');
  });

  it('exits 2 on a bad config file, naming each bad key, and starts nothing', async () => {
    const mosquitto = await broker(cleanup);
    const uiPort = await freePort();
    const bridge = serve({
      broker: { url: mosquitto.url },
      embeddedBroker: { enabled: false },
      ui: { port: uiPort },
      profile: { offlineAfterMissed: 0 },
      sources: [{ type: 'tcp', host: '127.0.0.1', port: 'p1-bridge' }],
    });
    expect(await bridge.exited).toBe(2);
    expect(bridge.stderr()).toMatch(/nothing was started/);
    expect(bridge.stderr()).toMatch(/profile\.offlineAfterMissed: .*\(got 0\)/);
    expect(bridge.stderr()).toMatch(/sources\[0\]\.port: .*\(got "p1-bridge"\)/);
    // Nothing reached the broker and no offline queue was created.
    expect(await retained(mosquitto.url, 'smartmeter/bridge/status')).toBeUndefined();
    expect(existsSync(bridge.dataDir) ? readdirSync(bridge.dataDir) : []).toEqual([]);
  });

  it('exits 2 naming the key, instead of hanging, when the broker CA file cannot be read', async () => {
    const mosquitto = await broker(cleanup);
    const bridge = serve({
      broker: { url: mosquitto.url.replace('mqtt:', 'mqtts:'), ca: join(tempDir(cleanup, 'smb-it-ca-'), 'ca.pem') },
      embeddedBroker: { enabled: false },
      ui: { port: await freePort() },
    });
    // An unreadable file named in the config is a configuration problem (exit 2), like any other bad key.
    expect(await bridge.exited).toBe(2);
    expect(bridge.stderr()).toMatch(/broker\.ca: cannot read .*ca\.pem/);
  });
});
