/**
 * A wireless M-Bus USB stick with its own framing on a socat pty, as the bridge service sees an iM871A: the test
 * plays the stick on the other end with the real serialport binding. The bridge sets the stick's link mode when it
 * opens the port, then reads the telegrams the stick wraps in HCI messages and publishes the meter.
 */
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeWmbusFrame } from '../../../shared/protocols/wmbus/encode.ts';
import { encodeHciMessage, encodeHciTelegram, im871aInit } from '../../../shared/protocols/wmbus/sticks/im871a.ts';
import { createPtyPair } from '../../helpers/pty-pair.ts';
import { broker, cleanupList, recorder, startBridge, topicOf, waitFor } from './bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const water = (litres: number, accessNumber: number) =>
  encodeWmbusFrame({
    address: { manufacturer: 'KAM', id: '12345678', version: 0x1b, deviceType: 0x07 },
    accessNumber,
    records: [{ coding: 'int32', vib: [0x13], value: litres }],
  });

describe('bridge service: wireless M-Bus through an iM871A stick', () => {
  it('sets the stick to C1 at open, unwraps its HCI telegrams and publishes the water meter', async () => {
    const mosquitto = await broker(cleanup);
    const pair = await createPtyPair();
    cleanup.add(() => pair.dispose());
    const stick = new SerialPort({ path: pair.meter, baudRate: 57600, autoOpen: false });
    await new Promise<void>((resolve, reject) => stick.open((e) => (e ? reject(e) : resolve())));
    cleanup.add(() => new Promise<void>((resolve) => stick.close(() => resolve())));
    const received: number[] = [];
    stick.on('data', (chunk: Buffer) => received.push(...chunk));
    const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/#');

    const bridge = await startBridge(cleanup, mosquitto.url, {
      sources: [{ type: 'serial', id: 'stick', port: pair.device, protocol: 'wmbus', stick: 'im871a', linkMode: 'C1' }],
    });
    const source = () => bridge.service.snapshot()!.sources[0]!;
    const init = Array.from(im871aInit('C1')[0]!);
    await waitFor(() => received.length >= init.length, 'the set-config request');
    expect(received).toEqual(init);
    await waitFor(() => source().state.state === 'open', 'the port to open');
    expect(source().state).toMatchObject({ detail: expect.stringContaining('57600 8N1') });

    // The stick's answer, then three telegrams with RSSI and time stamp as the stick can attach them.
    const answer = encodeHciMessage(0x01, 0x04, Uint8Array.of(0x00));
    const telegrams = [123456, 123460, 123475].map((litres, i) =>
      encodeHciTelegram(water(litres, i), { rssi: 0x90, timestamp: 1000 + i }),
    );
    for (const bytes of [answer, ...telegrams]) {
      await new Promise<void>((resolve, reject) => stick.write(Buffer.from(bytes), (e) => (e ? reject(e) : resolve())));
    }
    const volume = topicOf('12345678', 'water/water_volume');
    await waitFor(() => consumer.payloads(volume).length >= 3, 'three water readings');
    expect(consumer.payloads(volume).map((p) => (JSON.parse(p) as { value: number }).value)).toEqual([
      123.456, 123.46, 123.475,
    ]);
    expect(source().counters).toMatchObject({ framesOk: 3, crcErrors: 0, decryptErrors: 0, otherErrors: 0 });
  });
});
