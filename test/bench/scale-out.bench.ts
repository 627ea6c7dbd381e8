/**
 * Translate mode's capacity (issue 10): readings/s through one `translate` instance and through three sharing
 * `$share/scale/tele/+/SENSOR`, next to the broker's own relay rate (raw QoS 1 messages from one publisher to one
 * subscriber), all on one real Mosquitto on loopback in one run. A reading is a gPlug bundle (Pi, Ei, SMid); the
 * profile makes about 4 messages of it (2 values, the state bundle; info and status once per meter). Readings go in as
 * fast as the broker acknowledges them (windows of 1,000), and count as done when their state bundle arrived. Fed
 * faster than real time, readings wait at the broker, so the ordering guard (`--max-delay`) is set out of the way: the
 * bench measures the live path, not the cheaper `late` one.
 */
import mqtt from 'mqtt';
import { bigBacklogMosquitto } from '../helpers/load-kit.ts';
import { until } from '../helpers/wait.ts';
import { gatewayFleet, recorder, startTranslate } from '../integration/scale-out/scale-out-kit.ts';
import { machine, quick, row } from './bench-kit.ts';

const METERS = 1000;
const READINGS = quick ? 5_000 : 30_000;

const broker = await bigBacklogMosquitto();
try {
  console.log(`\nscale-out: ${machine()}`);
  const relay = await relayRate(READINGS);
  const one = await translateRate(1, 'one');
  const three = await translateRate(3, 'three');
  const widths = [44, 12, 10];
  console.log(row(['', 'per second', 'of relay'], widths));
  console.log(row(['broker relay (raw QoS 1, 1 publisher → 1 sub)', relay.toFixed(0), '1.00'], widths));
  console.log(row(['translate, 1 instance (readings)', one.toFixed(0), (one / relay).toFixed(2)], widths));
  console.log(row(['translate, 3 instances (readings)', three.toFixed(0), (three / relay).toFixed(2)], widths));
  console.log(
    `  (${READINGS} readings of ${METERS} gPlugs per run; 3 instances / 1 instance = ${(three / one).toFixed(2)})`,
  );
} finally {
  await broker.dispose();
}

/** Raw messages/s the broker relays from one publisher to one subscriber at QoS 1. */
async function relayRate(count: number): Promise<number> {
  const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'bench-relay-sub' });
  let received = 0;
  sub.on('message', () => received++);
  await sub.subscribeAsync('relay/#', { qos: 1 });
  const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'bench-relay-pub' });
  const payload = JSON.stringify({ Time: '2026-06-15T17:00:00', z: { SMid: 'SM1', Pi: 0.4, Ei: 1000.001 } });
  const start = performance.now();
  for (let sent = 0; sent < count; sent += METERS) {
    const window: Promise<unknown>[] = [];
    for (let n = 0; n < METERS && sent + n < count; n++)
      window.push(pub.publishAsync(`relay/${n}`, payload, { qos: 1 }));
    await Promise.all(window);
  }
  await until(() => received >= count, 'relayed messages', 120_000);
  const rate = count / ((performance.now() - start) / 1000);
  await Promise.all([pub.endAsync(), sub.endAsync()]);
  return rate;
}

/** Readings/s through `instances` translate processes, from the first raw message to the last state bundle. */
async function translateRate(instances: number, name: string): Promise<number> {
  const group = [...Array(instances).keys()].map((i) =>
    startTranslate(broker.url, `bench-${name}-${i}`, ['--max-delay', '3600000']),
  );
  try {
    await Promise.all(group.map((g) => g.ready));
    const seen = await recorder(broker.url);
    const fleet = await gatewayFleet(broker.url, METERS);
    // Later meter-clock seconds than any earlier run, so nothing is late against the retained state topics.
    const offset = instances * 10_000;
    const done = () => [...seen.state.values()].reduce((n, list) => n + list.length, 0);
    const start = performance.now();
    for (let second = 0; second * METERS < READINGS; second++) await fleet.publish(offset + second);
    await until(() => done() >= READINGS, `${READINGS} state bundles from ${instances} instance(s)`, 300_000);
    const rate = READINGS / ((performance.now() - start) / 1000);
    await Promise.all([fleet.close(), seen.close()]);
    return rate;
  } finally {
    for (const g of group) {
      g.child.kill('SIGTERM');
      await g.exited;
    }
  }
}
