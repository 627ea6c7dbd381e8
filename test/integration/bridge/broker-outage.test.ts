/**
 * The broker goes away for a while and comes back (a home server rebooting): every reading the bridge made meanwhile
 * arrives afterwards, oldest first, none more than once beyond what QoS 1 allows. A simulated DSMR 5 meter behind a
 * TCP bridge (like ser2net) pushes every 250 ms; the consumer has a persistent session (fixed client id, clean:
 * false, QoS 1) on a Mosquitto with persistence, so nothing is lost on its side of the outage either.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { tcpSink } from '../../../electron/core/simulator/sinks.ts';
import { SIMULATED_METERS, type WireMeter } from '../../../shared/simulator/index.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { broker, cleanupList, recorder, startBridge, topicOf, waitFor, type Recorder } from './bridge-kit.ts';
import { playMeter } from './meter-player.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const meter = SIMULATED_METERS.dsmr5!({}) as WireMeter;
const METER_ID = meter.serial;
/** The publisher's default in-flight window: only messages awaiting their PUBACK when the broker died may repeat. */
const IN_FLIGHT_WINDOW = 50;

async function meterOnTcp() {
  const port = await freePort();
  const sink = await tcpSink('127.0.0.1', port);
  cleanup.add(() => sink.close());
  return { port, write: (bytes: Uint8Array) => sink.write(bytes) };
}

/** Payload timestamps per arrival (live messages only), for one topic. */
const timestamps = (consumer: Recorder, topic: string): number[] =>
  consumer.payloads(topic).map((p) => (JSON.parse(p) as { timestamp: number }).timestamp);

describe('bridge service: a broker outage', () => {
  it('delivers every reading made during the outage afterwards, oldest first, none twice beyond QoS 1', async () => {
    const mosquitto = await broker(cleanup, true);
    const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/#', {
      clientId: 'it-bridge-outage-consumer',
      clean: false,
    });
    const tcp = await meterOnTcp();
    const { service } = await startBridge(cleanup, mosquitto.url, {
      sources: [{ type: 'tcp', id: 'p1', host: '127.0.0.1', port: tcp.port }],
    });
    await waitFor(() => service.snapshot()!.sources[0]!.state.state === 'open', 'the TCP connection');
    const player = playMeter(meter, tcp.write, { intervalMs: 250 });
    cleanup.add(() => player.stop());
    const topics = ['state', 'power/power_in', 'energy/energy_in_t2'].map((q) => topicOf(METER_ID, q));
    await waitFor(() => timestamps(consumer, topics[0]!).length >= 4, 'readings before the outage');

    await mosquitto.stop();
    await waitFor(() => service.snapshot()!.broker.status !== 'connected', 'the bridge to notice the outage');
    const sentAtOutage = player.sent.length;
    await waitFor(() => player.sent.length >= sentAtOutage + 8, 'eight readings during the outage');
    expect(service.snapshot()!.publisher.queued).toBeGreaterThan(0);
    await mosquitto.start();

    await waitFor(() => service.snapshot()!.broker.status === 'connected', 'the bridge to reconnect');
    await player.stop();
    // The meter's TCP server may register the bridge a moment after the bridge sees its connection: a first push
    // into that moment reached nobody, so readings count from the first that arrived before the outage.
    const pushed = player.sent.map((p) => p.state.time);
    const first = pushed.indexOf(timestamps(consumer, topics[0]!)[0]!);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(1);
    const sent = pushed.slice(first);
    for (const topic of topics) {
      await waitFor(() => new Set(timestamps(consumer, topic)).size >= sent.length, `every reading on ${topic}`);
      const arrived = timestamps(consumer, topic);
      // First arrivals are exactly the readings, in the order the meter made them.
      expect([...new Set(arrived)], topic).toEqual(sent);
      const copies = new Map<number, number>();
      for (const t of arrived) copies.set(t, (copies.get(t) ?? 0) + 1);
      expect(Math.max(...copies.values()), topic).toBeLessThanOrEqual(2);
      expect(arrived.length - sent.length, topic).toBeLessThanOrEqual(IN_FLIGHT_WINDOW);
    }
    await waitFor(() => service.snapshot()!.publisher.queued === 0, 'the offline queue to empty');
    expect(service.snapshot()!.sources[0]!.counters.framesOk).toBe(sent.length);
    expect(sent.length).toBeGreaterThanOrEqual(12); // four before, eight during the outage, any after
  });

  it('keeps answering Home Assistant after the broker came back: discovery is announced again on its birth message', async () => {
    const mosquitto = await broker(cleanup);
    const tcp = await meterOnTcp();
    const { service } = await startBridge(cleanup, mosquitto.url, {
      sources: [{ type: 'tcp', id: 'p1', host: '127.0.0.1', port: tcp.port }],
      profile: { homeAssistant: { enabled: true } },
    });
    const player = playMeter(meter, tcp.write, { intervalMs: 250 });
    cleanup.add(() => player.stop());
    const ha = await recorder(cleanup, mosquitto.url, 'homeassistant/device/+/config');
    const announced = () => ha.messages.filter((m) => !m.retain).length;
    await waitFor(() => ha.messages.length >= 1, 'the first discovery');

    await mosquitto.stop();
    await mosquitto.start();
    await waitFor(() => service.snapshot()!.broker.status === 'connected', 'the bridge to reconnect');
    await waitFor(() => ha.client.connected, 'the discovery recorder to reconnect');
    // Home Assistant restarted along with the broker: it sends its birth message and expects discovery again.
    const homeAssistant = await mqtt.connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    cleanup.add(() => homeAssistant.endAsync(true));
    const before = announced();
    for (let i = 0; announced() === before && i < 20; i++) {
      // Repeated until answered: the bridge's watcher reconnects on its own schedule, a moment after the bridge.
      await homeAssistant.publishAsync('homeassistant/status', 'online', { qos: 1 });
      await waitFor(() => announced() > before, 'discovery announced again', 500).catch(() => undefined);
    }
    expect(announced()).toBeGreaterThan(before);
  });
});
