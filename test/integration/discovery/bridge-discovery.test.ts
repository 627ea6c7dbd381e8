/**
 * Discovery inside a running bridge: it watches the bridge's embedded broker (MQTT 3.1.1, so the topic rules keep
 * the profile's own output out), marks the meters the bridge already reads, and subscribes nothing before it is asked.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../electron/core/config/load-config.ts';
import { bridgeDiscovery, type BridgeDiscovery } from '../../../electron/core/discovery/bridge-discovery.ts';
import { BridgeService } from '../../../electron/core/service/bridge-service.ts';
import { silentLogger } from '../../../electron/core/service/logger.ts';
import { createDiscoveryBackend } from '../../../electron/server/discovery-methods.ts';
import type { DiscoveryView } from '../../../shared/discovery/types.ts';
import { freePort, startMosquitto } from '../../helpers/mosquitto.ts';
import { until } from '../../helpers/wait.ts';
import { GPLUG_SENSOR } from './fake-tasmota.ts';

let bridge: BridgeService;
let discovery: BridgeDiscovery;

beforeAll(async () => {
  const port = await freePort();
  const config = validateConfig(
    { embeddedBroker: { port }, sources: [{ type: 'mqtt', gateway: 'tasmota', topic: 'gplug_keller' }] },
    tmpdir(),
  );
  if (!config.ok) throw new Error(config.problems.join('; '));
  bridge = new BridgeService({
    config: config.config,
    dataDir: mkdtempSync(join(tmpdir(), 'smb-discovery-')),
    version: '0.0.0-test',
    log: silentLogger,
  });
  await bridge.start();
  discovery = bridgeDiscovery(bridge, config.config)!;
  const gateway = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
  await gateway.publishAsync('tele/gplug_keller/SENSOR', JSON.stringify(GPLUG_SENSOR), { qos: 1, retain: true });
  const other = { ...GPLUG_SENSOR, z: { ...GPLUG_SENSOR.z, SMid: '35099999' } }; // another meter
  await gateway.publishAsync('tele/gplug_other/SENSOR', JSON.stringify(other), { qos: 1, retain: true });
  await gateway.endAsync();
});

afterAll(async () => {
  await discovery?.service.stop();
  await bridge?.stop();
});

describe('discovery in the bridge', () => {
  it('watches the embedded broker from the first request and says which meter the bridge already reads', async () => {
    expect(discovery.watch.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(discovery.service.view().brokers).toEqual([expect.objectContaining({ connected: false })]);
    const backend = createDiscoveryBackend(discovery.service, { watch: discovery.watch });
    await backend.handlers.discoveryList(undefined);
    let view: DiscoveryView | undefined;
    await until(() => {
      view = discovery.service.view();
      return view.meters.length === 2 && view.meters.some((m) => m.received);
    }, 'both gPlugs, the configured one read by the bridge');
    const bySelector = Object.fromEntries(view!.meters.map((m) => [m.selector, m]));
    expect(bySelector.gplug_keller).toMatchObject({ meterId: '35012345', received: true });
    expect(bySelector.gplug_other).toMatchObject({
      received: false,
      source: { gateway: 'tasmota', topic: 'gplug_other' },
    });
    expect(bySelector.gplug_other!.source).not.toHaveProperty('url');
    // The profile's own retained topics on the same broker are never meters.
    expect(view!.meters.every((m) => m.kind === 'tasmota')).toBe(true);
  });
});

describe('discovery on a configured broker with the login in its URL', () => {
  it('shows and offers the URL without the password, and still logs in', async () => {
    const broker = await startMosquitto();
    const config = validateConfig(
      { broker: { url: `mqtt://bob:s3cret@127.0.0.1:${broker.port}`, protocolVersion: 5 } },
      tmpdir(),
    );
    if (!config.ok) throw new Error(config.problems.join('; '));
    const other = new BridgeService({
      config: config.config,
      dataDir: mkdtempSync(join(tmpdir(), 'smb-discovery-')),
      version: '0.0.0-test',
      log: silentLogger,
    });
    await other.start();
    const found = bridgeDiscovery(other, config.config)!;
    try {
      expect(found.watch).toEqual({ url: broker.url, username: 'bob', password: 's3cret' });
      found.service.start();
      await until(() => found.service.view().brokers[0]?.connected === true, 'the discovery client logged in');
      expect(JSON.stringify(found.service.view())).not.toContain('s3cret');
    } finally {
      await found.service.stop();
      await other.stop();
      await broker.dispose();
    }
  });
});

describe('a smartmeter-datacollector publishing under its own topic root (`base`)', () => {
  it('is read by the bridge and listed by discovery there, not under the profile root', async () => {
    const port = await freePort();
    const config = validateConfig(
      { embeddedBroker: { port }, sources: [{ type: 'mqtt', gateway: 'datacollector', base: 'sdc' }] },
      tmpdir(),
    );
    if (!config.ok) throw new Error(config.problems.join('; '));
    const collectorBridge = new BridgeService({
      config: config.config,
      dataDir: mkdtempSync(join(tmpdir(), 'smb-discovery-')),
      version: '0.0.0-test',
      log: silentLogger,
    });
    await collectorBridge.start();
    const found = bridgeDiscovery(collectorBridge, config.config)!;
    try {
      found.service.start();
      await until(() => found.service.view().brokers[0]?.connected === true, 'the discovery client connected');
      const collector = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
      const value = JSON.stringify({ value: 412, timestamp: 1795000000 });
      await collector.publishAsync('sdc/LGZ1030012345/ACTIVE_POWER_P', value, { qos: 1, retain: true });
      await collector.publishAsync('sdc/LGZ1030012345/ACTIVE_POWER_N', value, { qos: 1, retain: true });
      await collector.endAsync();
      await until(
        () => found.service.view().meters.some((m) => m.meterId === 'LGZ1030012345' && m.received),
        'the collector meter listed and read by the bridge',
      );
      expect(found.service.view().meters.every((m) => m.kind === 'datacollector')).toBe(true);
    } finally {
      await found.service.stop();
      await collectorBridge.stop();
    }
  });
});
