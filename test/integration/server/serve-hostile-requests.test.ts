/**
 * The real `serve` process facing a hostile or unlucky network: malformed requests to its UI server and a UI port
 * that is taken must never stop it publishing a meter to a real Mosquitto.
 */
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tcpSink } from '../../../electron/core/simulator/sinks.ts';
import { SIMULATED_METERS, type WireMeter } from '../../../shared/simulator/index.ts';
import { runCli } from '../../helpers/cli-process.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { broker, cleanupList, recorder, tempDir, topicOf, waitFor } from '../bridge/bridge-kit.ts';
import { playMeter } from '../bridge/meter-player.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const meter = SIMULATED_METERS.dsmr5!({}) as WireMeter;
const state = topicOf(meter.serial, 'state');

/** A simulated meter behind a TCP bridge, a real Mosquitto with a consumer, and `serve` reading the one into the other. */
async function publishingBridge(uiPort: number) {
  const mosquitto = await broker(cleanup);
  const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/#');
  const meterPort = await freePort();
  const sink = await tcpSink('127.0.0.1', meterPort);
  cleanup.add(() => sink.close());
  const player = playMeter(meter, (bytes) => sink.write(bytes), { intervalMs: 200 });
  cleanup.add(() => player.stop());
  const dir = tempDir(cleanup, 'smb-it-hostile-');
  const config = join(dir, 'bridge.yaml');
  writeFileSync(
    config,
    stringify({
      broker: { url: mosquitto.url },
      embeddedBroker: { enabled: false },
      ui: { port: uiPort },
      timeZone: 'Europe/Zurich',
      sources: [{ type: 'tcp', id: 'p1', host: '127.0.0.1', port: meterPort }],
    }),
  );
  const serve = runCli(['serve', '--config', config, '--data-dir', join(dir, 'data')]);
  cleanup.add(() => serve.kill());
  await waitFor(() => consumer.payloads(state).length >= 1, 'a first reading from serve').catch((e: Error) => {
    throw new Error(`${e.message}; serve said:\n${serve.stderr()}`);
  });
  /** Resolves once `more` further readings arrived: the process is alive and still publishing. */
  const stillPublishing = async (more = 3) => {
    const seen = consumer.payloads(state).length;
    await waitFor(() => consumer.payloads(state).length >= seen + more, 'more readings after the attack');
  };
  return { serve, stillPublishing };
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve under hostile requests', () => {
  it('answers bad percent-encoding, traversal and foreign hosts with 4xx and keeps publishing', async () => {
    const uiPort = await freePort();
    const { serve, stillPublishing } = await publishingBridge(uiPort);
    expect(await get(uiPort, '/%')).toBe(400);
    expect(await get(uiPort, '/%ZZ/..%5c..%5cetc%5cpasswd')).toBe(400);
    expect(await get(uiPort, '/..%5c..%5cpackage.json')).toBe(400);
    expect(await get(uiPort, '/', { Host: 'evil.example' })).toBe(421);
    await stillPublishing();
    expect(serve.child.exitCode).toBeNull();
  });

  it('keeps publishing with the UI off when ui.port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanup.add(() => new Promise((resolve) => taken.close(resolve)));
    const { serve, stillPublishing } = await publishingBridge((taken.address() as { port: number }).port);
    await waitFor(() => serve.stderr().includes('UI off: port in use'), 'the UI-off message');
    await stillPublishing();
    expect(serve.child.exitCode).toBeNull();
  });
});
