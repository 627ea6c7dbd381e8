/** HTTP discovery and adopt against loopback servers that answer like Tasmota's /cm api, and a real Mosquitto. */
import { createServer, type AddressInfo } from 'node:net';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adoptTasmota } from '../../../electron/core/discovery/adopt.ts';
import type { AdoptStep } from '../../../shared/discovery/types.ts';
import { probeTasmota, scanSubnet } from '../../../electron/core/discovery/http-probe.ts';
import { freePort, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';
import { until } from '../../helpers/wait.ts';
import { GPLUG_SENSOR, startFakeTasmota, type FakeTasmota } from './fake-tasmota.ts';

const opened: FakeTasmota[] = [];
const fake = async (options: Parameters<typeof startFakeTasmota>[0] = {}) => {
  const device = await startFakeTasmota(options);
  opened.push(device);
  return device;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((device) => device.close()));
});

describe('probe', () => {
  it('reads name, firmware, MAC, IP, MQTT settings and the meter fields from Status 0', async () => {
    const device = await fake();
    const result = await probeTasmota({ host: device.host, port: device.port });
    expect(result).toMatchObject({
      ok: true,
      device: {
        name: 'gPlug Keller',
        firmware: '14.3.0(tasmota32)',
        mac: 'A0:B7:65:12:34:56',
        ip: '127.0.0.1',
        topic: 'gplug_keller',
        mqttHost: '192.0.2.10',
        mqttPort: 1883,
        meter: { key: 'z', meterSerial: '35012345', fields: expect.arrayContaining(['Pi', 'Ei', 'U1']) },
      },
    });
  });

  it('sends the web password and tells a wrong or missing one apart', async () => {
    const device = await fake({ password: 's3cret' });
    const address = { host: device.host, port: device.port };
    expect(await probeTasmota(address, { password: 's3cret' })).toMatchObject({ ok: true });
    const missing = await probeTasmota(address);
    expect(missing).toMatchObject({ ok: false, error: { kind: 'auth' } });
    const wrong = await probeTasmota(address, { password: 'nope' });
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'auth' } });
    expect(JSON.stringify(wrong)).not.toContain('nope');
  });

  it('gives typed errors for a refused port, a device that never answers and a web server that is not Tasmota', async () => {
    const closed = await freePort();
    expect(await probeTasmota({ host: '127.0.0.1', port: closed })).toMatchObject({ error: { kind: 'refused' } });
    const slow = await fake({ behaviour: 'slow' });
    expect(await probeTasmota({ host: slow.host, port: slow.port }, { timeoutMs: 300 })).toMatchObject({
      error: { kind: 'timeout' },
    });
    const broken = await fake({ behaviour: 'broken' });
    expect(await probeTasmota({ host: broken.host, port: broken.port })).toMatchObject({
      error: { kind: 'not-tasmota' },
    });
  });
});

describe('hostile answers', () => {
  it('stops reading an endless body and says it is not Tasmota', async () => {
    const huge = await fake({ behaviour: 'huge' });
    expect(await probeTasmota({ host: huge.host, port: huge.port })).toMatchObject({ error: { kind: 'not-tasmota' } });
  });

  it('tells a service that does not speak HTTP from one that is not there', async () => {
    const server = createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\u0000\u0001garbage\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await probeTasmota({ host: '127.0.0.1', port })).toMatchObject({ error: { kind: 'not-tasmota' } });
    } finally {
      server.close();
    }
  });
});

describe('subnet scan', () => {
  // Linux routes all of 127.0.0.0/8 to loopback; macOS has only 127.0.0.1 unless aliases are added.
  it.skipIf(process.platform === 'darwin')(
    'finds the Tasmota devices of a loopback /29 with progress for every host',
    async () => {
      const port = await freePort();
      await fake({ host: '127.0.0.2', port, mac: 'A0:B7:65:00:00:02', topic: 'two' });
      await fake({ host: '127.0.0.5', port, mac: 'A0:B7:65:00:00:05', topic: 'five' });
      const progress: number[] = [];
      const result = await scanSubnet('127.0.0.0/29', {
        port,
        perSecond: 50,
        onProgress: (p) => progress.push(p.done),
      });
      expect(result.ok && result.devices.map((d) => d.device.topic).sort()).toEqual(['five', 'two']);
      expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
      expect(result).toMatchObject({ stopped: false });
    },
  );

  it('stops when asked, leaving the rest of the subnet alone', async () => {
    const port = await freePort();
    const slow = await fake({ host: '127.0.0.1', port, behaviour: 'slow' });
    const stop = new AbortController();
    let done = 0;
    const scan = scanSubnet('127.0.0.0/24', {
      port,
      timeoutMs: 60_000,
      concurrency: 1,
      signal: stop.signal,
      onProgress: (p) => (done = p.done),
    });
    await until(() => slow.hits > 0, 'the scan reaching the first host');
    stop.abort();
    expect(await scan).toMatchObject({ ok: true, stopped: true, devices: [] });
    expect(done).toBeLessThan(254);
  });

  it('refuses anything wider than a /24', async () => {
    expect(await scanSubnet('10.0.0.0/16')).toMatchObject({ ok: false, error: expect.stringContaining('/24') });
  });
});

describe('adopt', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.dispose();
  });

  it('points the device at the bridge broker, waits for its first reading and returns the source to add', async () => {
    const device = await fake({ password: 'pw' });
    const steps: AdoptStep[] = [];
    const result = await adoptTasmota({
      address: { host: device.host, port: device.port },
      password: 'pw',
      mqttHost: '127.0.0.1',
      mqttPort: broker.port,
      watch: { url: broker.url },
      onStep: (step) => steps.push(step),
    });
    expect(result).toEqual({
      ok: true,
      source: { type: 'mqtt', gateway: 'tasmota', topic: 'gplug_keller' },
      meterSerial: '35012345',
      previous: { mqttHost: '192.0.2.10', mqttPort: 1883, topic: 'gplug_keller' },
    });
    expect(steps).toEqual(['read-settings', 'listen', 'configure', 'wait-sensor', 'done']);
    expect(device.commands).toEqual([
      'Status 0',
      `Backlog MqttHost 127.0.0.1; MqttPort ${broker.port}; Topic gplug_keller`,
    ]);
  });

  it('sends nothing when the device already uses the bridge broker, and still waits for its reading', async () => {
    const device = await fake();
    device.settings.mqttHost = '127.0.0.1';
    device.settings.mqttPort = broker.port;
    const address = { host: device.host, port: device.port };
    const live = await mqtt.connectAsync(broker.url);
    // The device publishes at its next TelePeriod; here, once the bridge is listening.
    const publishing = setInterval(
      () => void live.publish('tele/gplug_keller/SENSOR', JSON.stringify(GPLUG_SENSOR)),
      50,
    );
    try {
      const result = await adoptTasmota({
        address,
        mqttHost: '127.0.0.1',
        mqttPort: broker.port,
        watch: { url: broker.url },
      });
      expect(result).toMatchObject({ ok: true, source: { topic: 'gplug_keller' } });
      expect(device.commands).toEqual(['Status 0']);
    } finally {
      clearInterval(publishing);
      await live.endAsync();
    }
  });

  it('changes nothing on the device when the request is unsafe or the device refuses the login', async () => {
    const device = await fake({ password: 'pw' });
    const address = { host: device.host, port: device.port };
    const base = { address, password: 'pw', mqttPort: broker.port, watch: { url: broker.url } };
    const injected = await adoptTasmota({ ...base, mqttHost: '127.0.0.1; Reset 1' });
    expect(injected).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    const badTopic = await adoptTasmota({ ...base, mqttHost: '127.0.0.1', topic: 'a/b' });
    expect(badTopic).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    const unauthorised = await adoptTasmota({ ...base, password: 'wrong', mqttHost: '127.0.0.1' });
    expect(unauthorised).toMatchObject({ ok: false, step: 'read-settings', error: { kind: 'device' } });
    expect(device.commands.filter((c) => c.startsWith('Backlog'))).toEqual([]);
  });

  it('sends nothing to the device when the bridge cannot listen on its own broker', async () => {
    const device = await fake();
    const result = await adoptTasmota({
      address: { host: device.host, port: device.port },
      mqttHost: '127.0.0.1',
      mqttPort: broker.port,
      watch: { url: `mqtt://127.0.0.1:${await freePort()}` },
    });
    expect(result).toMatchObject({ ok: false, step: 'listen', error: { kind: 'broker' } });
    expect(device.commands).toEqual(['Status 0']);
  });

  it('says so when no reading arrives, with the previous settings for the undo', async () => {
    const device = await fake();
    const result = await adoptTasmota({
      address: { host: device.host, port: device.port },
      mqttHost: '127.0.0.1',
      mqttPort: await freePort(), // nobody listens there: the device cannot publish
      watch: { url: broker.url },
      sensorTimeoutMs: 500,
    });
    expect(result).toMatchObject({
      ok: false,
      step: 'wait-sensor',
      error: { kind: 'no-sensor' },
      previous: { mqttHost: '192.0.2.10', mqttPort: 1883, topic: 'gplug_keller' },
    });
  });
});
