/** The raw-MQTT source against a real Mosquitto, with fake gateways publishing through mqtt.js as the devices would. */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MqttSource, type MqttSourceOptions } from '../../../electron/core/sources/mqtt-source.ts';
import type { DecodeError, ObisMessage } from '../../../shared/protocols/types.ts';
import { ORIGIN_PROPERTY } from '../../../shared/sources/loop-guard.ts';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';
import { GPLUG_BUNDLE_KW, GPLUG_IMMEDIATE } from '../../unit/sources/payloads.ts';

let broker: Mosquitto;
const sources: MqttSource[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  await broker.start(); // in case a test stopped it and failed before starting it again
});
afterAll(async () => broker?.dispose());

async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Started {
  source: MqttSource;
  messages: ObisMessage[];
  errors: DecodeError[];
  connections: boolean[];
}

async function startSource(overrides: Partial<MqttSourceOptions> = {}, listenForErrors = true): Promise<Started> {
  const source = new MqttSource({
    url: broker.url,
    reconnectPeriodMs: 100,
    gateways: [
      { kind: 'tasmota', timeZone: 'Europe/Zurich' },
      { kind: 'datacollector', quietMs: 60000 },
    ],
    guard: { baseTopic: 'smartmeter' },
    ...overrides,
  });
  sources.push(source);
  const started: Started = { source, messages: [], errors: [], connections: [] };
  source.on('message', (message) => started.messages.push(message));
  if (listenForErrors) source.on('error', (error) => started.errors.push(error));
  source.on('connection', (state) => started.connections.push(state.connected));
  source.start();
  await waitFor('the source to subscribe', () => source.stats().connected);
  return started;
}

async function gateway(): Promise<MqttClient> {
  const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0, protocolVersion: 5 });
  clients.push(client);
  return client;
}

describe('raw-MQTT source with a real Mosquitto', () => {
  it("turns a gPlug's bundle and immediate messages into OBIS messages, and keeps the device's counters", async () => {
    const { source, messages } = await startSource();
    const gplug = await gateway();
    await gplug.publishAsync('tele/gplug-kitchen/SENSOR', GPLUG_BUNDLE_KW, { qos: 1 });
    await gplug.publishAsync('tele/gplug-kitchen/SENSOR', GPLUG_IMMEDIATE, { qos: 1 });
    await waitFor('two messages', () => messages.length === 2);

    // The bundle's SMid is the meter ID, and names the immediate message after it too.
    expect(messages[0]).toMatchObject({ protocol: 'mqtt', meterId: '71234567', info: { transport: 'tasmota' } });
    expect(messages[1]!.meterId).toBe('71234567');
    expect(messages[0]!.values).toContainEqual({ obis: '1-0:1.7.0', value: 0.412, unit: 'kW' });
    expect(messages[0]!.values).toContainEqual({ obis: '1-0:1.8.0', value: 12345.678, unit: 'kWh' });
    expect(messages[1]).toMatchObject({
      timestamp: Date.UTC(2024, 4, 1, 10, 0, 7) / 1000,
      values: [{ obis: '1-0:1.7.0', value: 0.398 }],
    });
    const stats = source.stats();
    expect(stats).toMatchObject({ connected: true, messagesOk: 2, errors: 0 });
    expect(stats.devices['tasmota/71234567']).toMatchObject({
      messagesOk: 2,
      errors: 0,
      lastTopic: 'tele/gplug-kitchen/SENSOR',
      lastPayload: GPLUG_IMMEDIATE,
    });
    expect(Date.now() - stats.devices['tasmota/71234567']!.lastSeen).toBeLessThan(60000);
  });

  it('reads no further message while the output has no room, and goes on once it has (backpressure)', async () => {
    let full = true;
    let makeRoom = (): void => {};
    const room = () =>
      full ? new Promise<void>((resolve) => (makeRoom = () => ((full = false), resolve()))) : undefined;
    const { messages } = await startSource({ room });
    const gplug = await gateway();
    for (let n = 0; n < 3; n++) await gplug.publishAsync('tele/gplug-1/SENSOR', GPLUG_IMMEDIATE, { qos: 1 });
    await waitFor('the first message', () => messages.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // read on, the other two would be here by now
    expect(messages).toHaveLength(1);
    makeRoom();
    await waitFor('the other two', () => messages.length === 3);
  });

  for (const protocolVersion of [5, 4] as const) {
    it(`keeps what arrives while it is stopped for its next start (persistent session, protocol ${protocolVersion})`, async () => {
      const session = { clientId: `smb-test-away-${protocolVersion}`, sessionExpirySeconds: 60, protocolVersion };
      await (await startSource(session)).source.stop();
      const gplug = await gateway();
      for (let n = 0; n < 3; n++) await gplug.publishAsync('tele/gplug-1/SENSOR', GPLUG_IMMEDIATE, { qos: 1 });
      const { messages } = await startSource(session);
      await waitFor('the three sent while it was away', () => messages.length === 3);
    });
  }

  it('acknowledges nothing once stopped: a message still held for the output comes again on the next start', async () => {
    const session = { clientId: 'smb-test-held', sessionExpirySeconds: 60 };
    const first = await startSource({ ...session, room: () => new Promise<void>(() => {}) }); // never any room
    const gplug = await gateway();
    await gplug.publishAsync('tele/gplug-1/SENSOR', GPLUG_IMMEDIATE, { qos: 1 });
    await waitFor('the message', () => first.messages.length === 1);
    await first.source.stop();
    const { messages } = await startSource(session);
    await waitFor('the same message again', () => messages.length === 1);
  });

  it('counts and reports hostile payloads, and reads the next good message', async () => {
    const { source, messages, errors } = await startSource();
    const gplug = await gateway();
    await gplug.publishAsync('tele/gplug-1/SENSOR', Buffer.from([0xff, 0x00, 0xfe, 0x7b]), { qos: 1 });
    await gplug.publishAsync('tele/gplug-1/SENSOR', '{"z":{"Pi":"lots"}}', { qos: 1 });
    await gplug.publishAsync('tele/gplug-1/SENSOR', '{"z":' + '['.repeat(50000), { qos: 1 });
    await gplug.publishAsync('smartmeter/m1/ACTIVE_POWER_P', '{"value":"412"}', { qos: 1 });
    await gplug.publishAsync('tele/gplug-1/SENSOR', GPLUG_IMMEDIATE, { qos: 1 });
    await waitFor('the good message', () => messages.length === 1);
    expect(errors.map((e) => e.kind)).toEqual(['syntax', 'syntax', 'syntax', 'syntax']);
    expect(errors[1]!.message).toBe('"z.Pi" is a string, expected a number');
    expect(source.stats()).toMatchObject({ messagesOk: 1, errors: 4 });
    expect(source.stats().devices['tasmota/gplug-1']).toMatchObject({ errors: 3, messagesOk: 1 });
    expect(source.stats().devices['datacollector/m1']?.lastError).toMatch(/"value" is a string/);
  });

  it('survives an unheard error and a throwing listener: both are only counted', async () => {
    const { source, messages } = await startSource({}, false);
    source.prependOnceListener('message', () => {
      throw new Error('a bug in some consumer');
    });
    const gplug = await gateway();
    await gplug.publishAsync('tele/gplug-1/SENSOR', 'not json', { qos: 1 });
    await gplug.publishAsync('tele/gplug-1/SENSOR', GPLUG_IMMEDIATE, { qos: 1 });
    await gplug.publishAsync('tele/gplug-1/SENSOR', GPLUG_IMMEDIATE, { qos: 1 });
    await waitFor('the next good message', () => messages.length === 1);
    expect(source.stats()).toMatchObject({ errors: 1, messagesOk: 2, listenerErrors: 1 });
  });

  it("ignores the bridge's own profile messages and anything carrying its origin property", async () => {
    const { source, messages, errors } = await startSource();
    const bridge = await gateway();
    const valuePayload = '{"timestamp":1714557605,"value":412,"unit":"W","obis":"1-0:1.7.0"}';
    await bridge.publishAsync('smartmeter/E0012345/power/power_in', valuePayload, { qos: 1 });
    await bridge.publishAsync('smartmeter/E0012345/state', '{"power_in":412}', { qos: 1 });
    await bridge.publishAsync('smartmeter/bridge/status', 'online', { qos: 1 });
    await bridge.publishAsync('tele/looped/SENSOR', GPLUG_IMMEDIATE, {
      qos: 1,
      properties: { userProperties: { [ORIGIN_PROPERTY]: 'bridge-1' } },
    });
    await bridge.publishAsync('tele/gplug-kitchen/SENSOR', GPLUG_IMMEDIATE, { qos: 1 });
    await waitFor('the gPlug message', () => messages.length === 1);
    expect(messages.map((m) => m.meterId)).toEqual(['gplug-kitchen']);
    expect(errors).toEqual([]);
    // state, bridge/status and the origin-marked message reached the source and were dropped (power_in is not even
    // subscribed: the datacollector's filters are smartmeter/+/+ and smartmeter//# for serial port paths).
    expect(source.stats().ignored).toBe(3);
  });

  it('joins datacollector values into one reading per timestamp, and hands the last one out on stop', async () => {
    const { source, messages } = await startSource();
    const collector = await gateway();
    const publish = (name: string, value: number, timestamp: number) =>
      collector.publishAsync(`smartmeter/LGZ1/${name}`, JSON.stringify({ value, timestamp }), { qos: 1 });
    await publish('ACTIVE_POWER_P', 412, 1714557605);
    await publish('VOLTAGE_L1', 231.2, 1714557605);
    await publish('ACTIVE_ENERGY_P', 12345678, 1714557605);
    await publish('ACTIVE_POWER_P', 398, 1714557610);
    await waitFor('the first reading', () => messages.length === 1);
    expect(messages[0]).toMatchObject({ meterId: 'LGZ1', timestamp: 1714557605, info: { transport: 'datacollector' } });
    expect(messages[0]!.values).toEqual([
      { obis: '1-0:1.7.0', value: 412, unit: 'W' },
      { obis: '1-0:32.7.0', value: 231.2, unit: 'V' },
      { obis: '1-0:1.8.0', value: 12345678, unit: 'Wh' },
    ]);
    await waitFor('the second value to arrive', () =>
      source.stats().devices['datacollector/LGZ1']?.lastPayload.includes('398'),
    );
    await source.stop();
    expect(messages[1]).toMatchObject({ timestamp: 1714557610, values: [{ obis: '1-0:1.7.0', value: 398 }] });
    expect(source.stats().connected).toBe(false);
  });

  it('reads a datacollector meter named by its serial port path, and each push once it is whole', async () => {
    const { messages } = await startSource(); // quiet time one minute: only completeness can hand readings out
    const collector = await gateway();
    const push = async (timestamp: number) => {
      for (const [name, value] of [
        ['ACTIVE_POWER_P', 412],
        ['VOLTAGE_L1', 231.2],
      ] as const) {
        await collector.publishAsync(`smartmeter//dev/ttyUSB0/${name}`, JSON.stringify({ value, timestamp }), {
          qos: 1,
        });
      }
    };
    await push(1714557605);
    await push(1714557610);
    await waitFor('both pushes', () => messages.length === 2);
    expect(messages.map((m) => [m.meterId, m.timestamp, m.values.length])).toEqual([
      ['/dev/ttyUSB0', 1714557605, 2],
      ['/dev/ttyUSB0', 1714557610, 2],
    ]);
  });

  it('hands a datacollector reading out after the quiet time when no next one comes', async () => {
    const { messages } = await startSource({ gateways: [{ kind: 'datacollector', quietMs: 200 }] });
    const collector = await gateway();
    await collector.publishAsync('smartmeter/LGZ1/ACTIVE_POWER_P', '{"value":412,"timestamp":1714557605}', { qos: 1 });
    await waitFor('the reading', () => messages.length === 1);
    expect(messages[0]!.values).toEqual([{ obis: '1-0:1.7.0', value: 412, unit: 'W' }]);
  });

  it('reconnects and subscribes again after the broker was down', async () => {
    const { source, messages, connections } = await startSource();
    await broker.stop();
    await waitFor('the source to notice', () => !source.stats().connected);
    expect(source.stats().connectionError).toBeDefined();
    await broker.start();
    // Mosquitto runs without persistence here: the subscription is gone unless the source makes it again.
    await waitFor('the source to subscribe again', () => source.stats().connected);
    const gplug = await gateway();
    await gplug.publishAsync('tele/gplug-kitchen/SENSOR', GPLUG_IMMEDIATE, { qos: 1 });
    await waitFor('the message after the outage', () => messages.length === 1);
    // Down, then up again (a refused reconnect attempt in between may add a `false` with a new reason).
    expect(connections[0]).toBe(true);
    expect(connections).toContain(false);
    expect(connections.at(-1)).toBe(true);
  });

  it('works with MQTT 3.1.1 too, where an oversized payload is refused by the converter', async () => {
    const { source, messages, errors } = await startSource({ protocolVersion: 4 });
    const gplug = await gateway();
    await gplug.publishAsync('tele/gplug-1/SENSOR', `{"z":{"Pi":0.1},"pad":"${'x'.repeat(100000)}"}`, { qos: 1 });
    await gplug.publishAsync('tele/gplug-1/SENSOR', GPLUG_IMMEDIATE, { qos: 1 });
    await waitFor('the good message', () => messages.length === 1);
    expect(errors[0]!.message).toMatch(/100025 bytes, more than the 65536 a gateway message may have/);
    expect(source.stats().devices['tasmota/gplug-1']!.lastPayload).toBe(GPLUG_IMMEDIATE);
  });

  it('reports a broker it cannot reach, and stops cleanly all the same', async () => {
    const source = new MqttSource({
      url: 'mqtt://127.0.0.1:1',
      reconnectPeriodMs: 100,
      gateways: [{ kind: 'tasmota' }],
      guard: { baseTopic: 'smartmeter' },
    });
    sources.push(source);
    source.start();
    const reason = await waitFor('a connection error', () => source.stats().connectionError);
    expect(reason).toMatch(/ECONNREFUSED/);
    await source.stop();
    await source.stop();
    expect(source.stats().connected).toBe(false);
  });
});
