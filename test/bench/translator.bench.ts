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
  gplugImmediate,
  gplugMeter,
  interleaved,
  playPaced,
  type GatewayMessage,
} from '../helpers/gateway-traffic.ts';
import { BIG_BACKLOG_BROKER, bigBacklogMosquitto, serveConfig, settle } from '../helpers/load-kit.ts';
import type { Mosquitto } from '../helpers/mosquitto.ts';
import {
  combined,
  fleetVerdict,
  profileConsumer,
  stateVerdict,
  verdict,
  type DeliveryVerdict,
} from '../helpers/profile-consumer.ts';
import { processUsage, startServe } from '../helpers/serve-process.ts';
import { complaints, machine, median, quick, row, scratchDir, stopBridge } from './bench-kit.ts';

const SIZE = quick
  ? { gplugs: 40, collectors: 8, seconds: 10, rounds: 1, drainMs: 4_000, fleetSeconds: 0 }
  : { gplugs: 100, collectors: 20, seconds: 50, rounds: 3, drainMs: 60_000, fleetSeconds: 30 };
/** Profile messages of one full gPlug bundle: its 13 value topics and the state bundle. */
const FULL_BUNDLE_MESSAGES = 14;
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
  /** Readings (state bundles) and values (every value topic) delivered. */
  readings?: DeliveryVerdict;
  values?: DeliveryVerdict;
  ended: string;
  said?: string;
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
      readings: stateVerdict(consumer, sent),
      values: fleetVerdict(consumer, sent),
      ended,
      said: complaints(bridge),
    };
    await Promise.all([driver.close(), consumer.close()]);
    return outcome;
  } finally {
    await stopBridge(bridge);
    dir.remove();
  }
}

/**
 * 1,000 gPlug devices at 1 Hz for `seconds`, as Tasmota sends: the immediate power message every second, the whole
 * bundle (13 profile topics) every tenth second instead.
 */
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
    const perSecond = Array.from({ length: seconds }, (_, s) =>
      meters.map((m) => (s % 10 === 0 ? m.messagesAt(s)[0]! : gplugImmediate(m, s))),
    );
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
    await Promise.all([driver.close(), consumer.close()]);
    return {
      readings: stateVerdict(consumer, sent),
      // Only the power topic is in every message (the other values come with every tenth, the bundle).
      values: combined([...sent].map(([id, t]) => verdict(t, consumer.timestamps(`smartmeter/${id}/power/power_in`)))),
      count: readings,
      published: consumer.received() / wall,
      said: complaints(bridge),
      cpu: ((after.cpuSeconds - before.cpuSeconds) / wall) * 100,
      peakRssMb: after.peakRssMb,
      ended,
      stopped: quick ? (await bridge.stop('SIGKILL'), 'killed (--quick)') : await stopBridge(bridge),
    };
  } finally {
    await stopBridge(bridge);
    dir.remove();
  }
}

const describe = (readings?: DeliveryVerdict, values?: DeliveryVerdict) =>
  !readings || !values
    ? '-'
    : `${readings.lost} readings lost (${values.lost} values), ${values.repeats} repeated, order ${values.ordered ? 'kept' : 'BROKEN'}`;

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
      `broker: ${BIG_BACKLOG_BROKER.join(', ')}\n`,
  );
  const widths = [34, 10, 10, 12, 64];
  console.log(row(['round', 'raw in', 'out msgs', 'msgs/s out', 'readings'], widths));
  const ratios: number[] = [];
  const relayRates: number[] = [];
  for (let round = 0; round < SIZE.rounds; round++) {
    const messages = all.slice(round * perRound, (round + 1) * perRound);
    const base = await relay(broker, messages);
    const bridge = await translate(broker, messages);
    ratios.push(bridge.rate / base.rate);
    relayRates.push(base.rate);
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
          `${describe(bridge.readings, bridge.values)} (${bridge.ended})`,
        ],
        widths,
      ),
    );
    if (bridge.readings?.lost) console.log(`   ${bridge.said}`);
  }
  console.log(
    `\ntranslator output / Mosquitto relay: ${median(ratios).toFixed(2)} (median of ${ratios.length}; target ≥ 0.50)`,
  );

  if (quick) console.log('1,000 gPlug devices at 1 Hz: full run only (npm run bench)');
  else {
    const fleet = await thousandMeters(broker, SIZE.fleetSeconds);
    console.log(
      `1,000 gPlug devices at 1 Hz for ${SIZE.fleetSeconds} s through the translator (${fleet.count} readings, immediate power every second, bundle every tenth): ` +
        `${describe(fleet.readings, fleet.values)}, ${Math.round(fleet.published)} profile msgs/s ` +
        `(${fleet.ended}); bridge ${fleet.cpu.toFixed(0)} % of one core, peak RSS ${fleet.peakRssMb.toFixed(0)} MB; ${fleet.stopped}; ${fleet.said}`,
    );
  }
  // What a full bundle every second from each of 1,000 devices would ask of the broker, against what it relayed here.
  const needed = 1000 * FULL_BUNDLE_MESSAGES;
  console.log(
    `a full bundle every second from 1,000 devices needs ${needed.toLocaleString('en')} profile msgs/s at QoS 1: ` +
      `${(needed / median(relayRates)).toFixed(1)} × Mosquitto's QoS 1 relay to one subscriber in this run`,
  );
} finally {
  await broker.dispose();
}
