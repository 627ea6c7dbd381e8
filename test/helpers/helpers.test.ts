import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from './mosquitto.ts';
import { createPtyPair } from './pty-pair.ts';

describe('test infrastructure: real parts', () => {
  let broker: Mosquitto | undefined;
  afterAll(async () => broker?.dispose());

  it('a Mosquitto broker accepts a publish and delivers it, and comes back after a stop', async () => {
    broker = await startMosquitto();
    const roundTrip = async () => {
      const client = await mqtt.connectAsync(broker!.url, { reconnectPeriod: 0 });
      await client.subscribeAsync('t/#', { qos: 1 });
      const got = new Promise<string>((resolve) => client.on('message', (_t, p) => resolve(p.toString())));
      await client.publishAsync('t/x', 'hello', { qos: 1 });
      const text = await got;
      await client.endAsync();
      return text;
    };
    expect(await roundTrip()).toBe('hello');
    await broker.stop();
    await broker.start();
    expect(await roundTrip()).toBe('hello');
  });

  it('a socat pty pair carries bytes through the real serialport binding, and unplugs', async () => {
    const pair = await createPtyPair();
    const bridge = new SerialPort({ path: pair.device, baudRate: 115200 });
    const meter = new SerialPort({ path: pair.meter, baudRate: 115200 });
    const got = new Promise<string>((resolve) => bridge.on('data', (d: Buffer) => resolve(d.toString())));
    // Opening may flush the input queue, so write only once both ends are open.
    await Promise.all([bridge, meter].map((port) => new Promise((r) => port.on('open', r))));
    meter.write('/ISK5\\2M550T-1012\r\n');
    expect(await got).toContain('ISK5');
    await new Promise((r) => meter.close(r));
    await new Promise((r) => bridge.close(r));
    await pair.unplug();
    expect(existsSync(pair.device)).toBe(false);
    await pair.replug();
    expect(existsSync(pair.device)).toBe(true);
    await pair.dispose();
  });
});
