/**
 * The default set-up, with no broker of one's own: the embedded broker, a gPlug publishing to it, and Home Assistant
 * discovery on. This is the README's "no meter at hand?" path with the simulator's gPlug.
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

// Without a URL the gateway reads the output broker; a URL naming the embedded broker the way a user writes it
// (localhost, not the 127.0.0.1 it reports) must get MQTT 3.1.1 too, since aedes speaks nothing else.
it.each([
  ['no URL', () => ({})],
  ['an explicit URL to it', (port: number) => ({ url: `mqtt://localhost:${port}` })],
])(
  'reads a gPlug from the embedded broker (%s) and publishes the profile and discovery there',
  async (_, sourceUrl) => {
    const port = await freePort();
    const config = validateConfig(
      {
        embeddedBroker: { port },
        sources: [{ type: 'mqtt', gateway: 'tasmota', ...sourceUrl(port) }],
        timeZone: 'Europe/Zurich',
      },
      tmpdir(),
    );
    if (!config.ok) throw new Error(config.problems.join('; '));
    const service = new BridgeService({
      config: config.config,
      dataDir: tempDir(cleanup, 'smb-embedded-'),
      version: '0.0.0-test',
      log: silentLogger,
    });
    cleanup.add(() => service.stop());
    await service.start();
    const url = service.snapshot()!.embeddedBroker!.url;
    const consumer = await recorder(cleanup, url, '#');
    await waitFor(() => service.snapshot()!.sources[0]!.state.state === 'open', 'the gateway subscription');

    const gplug = SIMULATED_METERS.gplug!({});
    if (gplug.kind !== 'mqtt') throw new Error('the gPlug simulator publishes on MQTT');
    const sink = await mqttSink(url);
    cleanup.add(() => sink.close());
    await sink.publish(gplug.render(new Household(1_780_000_000, 2).at(1_780_000_000 + 3600 * 12), 0));

    const power = `smartmeter/${gplug.serial}/power/power_out`;
    await waitFor(() => consumer.payloads(power).length > 0, 'the harmonized power topic');
    expect(consumer.lastJson(power)).toMatchObject({ unit: 'W', obis: '1-0:2.7.0' });
    expect(consumer.messages.some((m) => m.topic === `homeassistant/device/smartmeter_${gplug.serial}/config`)).toBe(
      true,
    );
    // Its own output is on the same broker, and none of it came back in as a gateway message.
    expect(service.snapshot()!.sources[0]!.counters.framesOk).toBe(1);
  },
);
