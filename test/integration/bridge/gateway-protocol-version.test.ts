/**
 * A gateway source with its own URL naming the embedded broker (`mqtt://localhost:<port>`, as a user writes it) speaks
 * MQTT 3.1.1 to it, which is all aedes speaks, and reads the gPlug publishing there.
 */
import { tmpdir } from 'node:os';
import { afterEach, expect, it } from 'vitest';
import { validateConfig } from '../../../electron/core/config/load-config.ts';
import { BridgeService } from '../../../electron/core/service/bridge-service.ts';
import { silentLogger } from '../../../electron/core/service/logger.ts';
import { mqttSink } from '../../../electron/core/simulator/sinks.ts';
import { Household, SIMULATED_METERS } from '../../../shared/simulator/index.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { cleanupList, recorder, tempDir, waitFor } from './bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

it('reads a gPlug through an explicit URL to the embedded broker', async () => {
  const port = await freePort();
  const config = validateConfig(
    {
      embeddedBroker: { port },
      sources: [{ type: 'mqtt', gateway: 'tasmota', url: `mqtt://localhost:${port}` }],
      timeZone: 'Europe/Zurich',
    },
    tmpdir(),
  );
  if (!config.ok) throw new Error(config.problems.join('; '));
  const service = new BridgeService({
    config: config.config,
    dataDir: tempDir(cleanup, 'smb-gateway-version-'),
    version: '0.0.0-test',
    log: silentLogger,
  });
  cleanup.add(() => service.stop());
  await service.start();
  const url = service.snapshot()!.embeddedBroker!.url;
  const consumer = await recorder(cleanup, url, 'smartmeter/#');
  await waitFor(() => service.snapshot()!.sources[0]!.state.state === 'open', 'the gateway subscription');

  const gplug = SIMULATED_METERS.gplug!({});
  if (gplug.kind !== 'mqtt') throw new Error('the gPlug simulator publishes on MQTT');
  const sink = await mqttSink(url);
  cleanup.add(() => sink.close());
  await sink.publish(gplug.render(new Household(1_780_000_000, 2).at(1_780_000_000 + 3600 * 12), 0));
  await waitFor(() => consumer.payloads(`smartmeter/${gplug.serial}/power/power_out`).length > 0, 'a reading');
});

it('refuses MQTT 5 configured towards the embedded broker, naming the key', () => {
  const config = validateConfig(
    { sources: [{ type: 'mqtt', gateway: 'tasmota', url: 'mqtt://localhost:1883', protocolVersion: 5 }] },
    tmpdir(),
  );
  expect(config).toEqual({
    ok: false,
    problems: ['sources[0].protocolVersion: the embedded broker speaks MQTT 3.1.1 (4) only'],
  });
  const elsewhere = { type: 'mqtt', gateway: 'tasmota', url: 'mqtt://192.0.2.9:1883', protocolVersion: 5 };
  expect(validateConfig({ sources: [elsewhere] }, tmpdir()).ok).toBe(true);
});
