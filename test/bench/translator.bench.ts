/**
 * The translator under load (issue 6), side by side in one run on one real Mosquitto on loopback:
 *  - Mosquitto's own QoS 1 relay of raw gPlug and smartmeter-datacollector messages (gateway → broker → subscriber),
 *  - the real `serve` process translating the same messages to the profile (QoS 1, every topic), counted by a
 *    subscriber, with every reading checked (lost, repeated, per-meter order);
 *  - 1,000 gPlug devices at 1 Hz through the translator: readings lost.
 * Ratios, not absolute rates, are the result: the machine is shared and noisy. `--quick` runs a small workload.
 */
import mqtt from 'mqtt';
import {
  datacollectorMeter,
  gatewayDriver,
  gplugMeter,
  interleaved,
  playPaced,
  type GatewayMessage,
} from '../helpers/gateway-traffic.ts';
import { bigBacklogMosquitto, serveConfig, settle } from '../helpers/load-kit.ts';
import type { Mosquitto } from '../helpers/mosquitto.ts';
import { fleetVerdict, profileConsumer, type DeliveryVerdict } from '../helpers/profile-consumer.ts';
import { processUsage, startServe } from '../helpers/serve-process.ts';
import { machine, median, quick, row, scratchDir, stopBridge } from './bench-kit.ts';

const SIZE = quick
  ? { gplugs: 50, collectors: 10, seconds: 12, rounds: 1, drainMs: 5_000, fleetSeconds: 5 }
  : { gplugs: 100, collectors: 20, seconds: 50, rounds: 3, drainMs: 60_000, fleetSeconds: 30 };
/** The datacollector grouper may hold a group back while it waits for quiet: outputs can pause that long. */
const QUIET_MS = 3_000;
const SOURCES = [
  { type: 'mqtt', id: 'gplug', gateway: 'tasmota' },
  { type: 'mqtt', id: 'collector', gateway: 'datacollector' },
];

/** Readings sent, by meter ID, in order. */
function sentBy(messages: readonly GatewayMessage[]): Map<string, number[]> {
  const sent = new Map<string, number[]>();
  for (const m of messages) {
    const list = sent.get(m.meterId) ?? [];
    sent.set(m.meterId, list);
    if (list.at(-1) !== m.timestamp) list.push(m.timestamp);
  }
  return sent;
}

interface Outcome {
  messages: number;
  rate: number;
  verdict?: DeliveryVerdict;
  ended: string;
}

/** Mosquitto alone: the same messages published at QoS 1 and received by a QoS 1 subscriber. */
async function relay(broker: Mosquitto, messages: readonly GatewayMessage[]): Promise<Outcome> {
  const consumer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  let received = 0;
  let last = 0;
  consumer.on('message', () => ((received += 1), (last = performance.now())));
  await consumer.subscribeAsync(['relay/tele/+/SENSOR', 'relay/smartmeter/+/+'], { qos: 1 });
  const driver = await gatewayDriver(broker.url);
  const start = performance.now();
  await driver.publish(messages.map((m) => ({ topic: `relay/${m.topic}`, payload: m.payload })));
  const ended = await settle(
    () => received >= messages.length,
    () => received,
    QUIET_MS,
    SIZE.drainMs,
  );
  await Promise.all([driver.close(), consumer.endAsync()]);
  return { messages: received, rate: (received * 1000) / (last - start), ended };
}

/** The bridge translating the same messages; the rate counts every profile message it published. */
async function translate(broker: Mosquitto, messages: readonly GatewayMessage[]): Promise<Outcome> {
  const dir = scratchDir('smb-bench-translator-');
  const bridge = startServe(dir.path, await serveConfig(broker.url, { sources: SOURCES }));
  try {
    await settle(
      () => (bridge.stderr().match(/: subscribed/g) ?? []).length >= 2,
      () => 0,
      30_000,
      30_000,
    );
    const consumer = await profileConsumer(broker.url);
    const sent = sentBy(messages);
    const stateTopics = [...sent.keys()].map((id) => `smartmeter/${id}/state`);
    const readings = [...sent.values()].reduce((n, t) => n + t.length, 0);
    const arrived = () => stateTopics.reduce((n, t) => n + consumer.timestamps(t).length, 0);
    const driver = await gatewayDriver(broker.url);
    const start = performance.now();
    await driver.publish(messages);
    const ended = await settle(() => arrived() >= readings, consumer.received, QUIET_MS, SIZE.drainMs);
    const outcome = {
      messages: consumer.received(),
      rate: (consumer.received() * 1000) / (consumer.lastArrival() - start),
      verdict: fleetVerdict(consumer, sent),
      ended,
    };
    await Promise.all([driver.close(), consumer.close()]);
    return outcome;
  } finally {
    await stopBridge(bridge);
    dir.remove();
  }
}

/** 1,000 gPlug devices, each sending its bundle once a second, for `seconds`. */
async function thousandMeters(broker: Mosquitto, seconds: number) {
  const dir = scratchDir('smb-bench-fleet-');
  const bridge = startServe(
    dir.path,
    await serveConfig(broker.url, { sources: [SOURCES[0]], profile: { homeAssistant: { enabled: false } } }),
  );
  try {
    await settle(
      () => bridge.stderr().includes(': subscribed'),
      () => 0,
      30_000,
      30_000,
    );
    const consumer = await profileConsumer(broker.url);
    const meters = Array.from({ length: 1000 }, (_, n) => gplugMeter(10_000 + n));
    const perSecond = Array.from({ length: seconds }, (_, s) => meters.flatMap((m) => m.messagesAt(s)));
    const driver = await gatewayDriver(broker.url);
    const before = processUsage(bridge.child.pid!);
    const start = performance.now();
    await playPaced(driver, perSecond);
    const wall = (performance.now() - start) / 1000;
    const after = processUsage(bridge.child.pid!);
    const sent = sentBy(perSecond.flat());
    const stateTopics = [...sent.keys()].map((id) => `smartmeter/${id}/state`);
    const readings = seconds * meters.length;
    const arrived = () => stateTopics.reduce((n, t) => n + consumer.timestamps(t).length, 0);
    const ended = await settle(() => arrived() >= readings, consumer.received, QUIET_MS, SIZE.drainMs);
    const verdict = fleetVerdict(consumer, sent);
    await Promise.all([driver.close(), consumer.close()]);
    return {
      readings: verdict,
      cpu: ((after.cpuSeconds - before.cpuSeconds) / wall) * 100,
      peakRssMb: after.peakRssMb,
      ended,
      stopped: await stopBridge(bridge),
    };
  } finally {
    await stopBridge(bridge);
    dir.remove();
  }
}

const describe = (v: DeliveryVerdict | undefined) =>
  !v ? '-' : `${v.lost} lost, ${v.repeats} repeated, order ${v.ordered ? 'kept' : 'BROKEN'}`;

const broker = await bigBacklogMosquitto();
try {
  const gplugs = Array.from({ length: SIZE.gplugs }, (_, n) => gplugMeter(n));
  const collectors = Array.from({ length: SIZE.collectors }, (_, n) => datacollectorMeter(n));
  const all = interleaved([...gplugs, ...collectors], SIZE.seconds * SIZE.rounds);
  const perRound = Math.ceil(all.length / SIZE.rounds);
  console.log(`\ntranslator: ${machine()}`);
  console.log(
    `workload per round: ${SIZE.gplugs} gPlug devices and ${SIZE.collectors} smartmeter-datacollector meters, ` +
      `${SIZE.seconds} readings each (${perRound} raw messages), published at QoS 1 as fast as acknowledged; ` +
      `broker: ${'max_queued_messages 200000, set_tcp_nodelay true'}\n`,
  );
  const widths = [34, 12, 12, 12, 46];
  console.log(row(['round', 'raw in', 'out msgs', 'msgs/s out', 'readings'], widths));
  const ratios: number[] = [];
  for (let round = 0; round < SIZE.rounds; round++) {
    const messages = all.slice(round * perRound, (round + 1) * perRound);
    const base = await relay(broker, messages);
    const bridge = await translate(broker, messages);
    ratios.push(bridge.rate / base.rate);
    console.log(
      row(
        [`${round + 1}: Mosquitto relay (QoS 1)`, messages.length, base.messages, Math.round(base.rate), base.ended],
        widths,
      ),
    );
    console.log(
      row(
        [
          `${round + 1}: bridge translator (serve)`,
          messages.length,
          bridge.messages,
          Math.round(bridge.rate),
          `${describe(bridge.verdict)} (${bridge.ended})`,
        ],
        widths,
      ),
    );
  }
  console.log(
    `\ntranslator output / Mosquitto relay: ${median(ratios).toFixed(2)} (median of ${ratios.length}; target ≥ 0.50)`,
  );

  const fleet = await thousandMeters(broker, SIZE.fleetSeconds);
  console.log(
    `1,000 gPlug devices at 1 Hz for ${SIZE.fleetSeconds} s through the translator: ${describe(fleet.readings)} ` +
      `(${fleet.ended}); bridge ${fleet.cpu.toFixed(0)} % of one core, peak RSS ${fleet.peakRssMb.toFixed(0)} MB; ${fleet.stopped}`,
  );
} finally {
  await broker.dispose();
}
