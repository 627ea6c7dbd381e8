/**
 * The service under load (issue 6): the real `serve` process reading 100 simulated DSMR 5 meters at 1 Hz over TCP
 * (about 22 profile messages per telegram) and publishing to a real Mosquitto on loopback, default config, for a
 * fixed time. Reports the bridge's RSS and CPU (from the operating system), the rate it published at, and readings
 * lost (every value topic of every telegram checked after the input stopped). `--quick` runs it shorter.
 * It runs `serve` with the node flags of `npm start` (package.json), the configuration users run (docs/service.md).
 */
import { readFileSync } from 'node:fs';
import { DSMR_GAS_TOPIC, dsmrFleet } from '../helpers/dsmr-fleet.ts';
import { bigBacklogMosquitto, serveConfig, settle } from '../helpers/load-kit.ts';
import { fleetVerdict, profileConsumer, stateVerdict } from '../helpers/profile-consumer.ts';
import { processUsage, startServe, type ProcessUsage } from '../helpers/serve-process.ts';
import { machine, quick, scratchDir, stopBridge } from './bench-kit.ts';

const METERS = 100;
const SECONDS = quick ? 6 : 60;
/** Value topics of one DSMR 5 telegram from the simulator (the gas sub-meter has a clock of its own). */
const TOPICS_PER_READING = 21;
/** The V8 flags between `node` and `bin/` in `npm start`; they reach the child through NODE_OPTIONS. */
const startScript = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  }
).scripts.start;
const nodeFlags = /^node((?: --\S+)*) bin\//.exec(startScript)?.[1]?.trim() ?? '';
process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, nodeFlags].filter(Boolean).join(' ');

const broker = await bigBacklogMosquitto();
const dir = scratchDir('smb-bench-service-');
const fleet = await dsmrFleet(METERS);
const bridge = startServe(dir.path, await serveConfig(broker.url, { sources: fleet.sources }));
try {
  console.log(`\nservice: ${machine()}`);
  const opened = () => fleet.sources.filter((s) => bridge.stderr().includes(` ${s.id}: open`)).length;
  await settle(() => opened() === METERS, opened, 30_000, 60_000);
  const consumer = await profileConsumer(broker.url);
  fleet.play();
  const samples: ProcessUsage[] = [];
  const start = performance.now();
  const startUsage = processUsage(bridge.child.pid!);
  while (performance.now() - start < SECONDS * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    samples.push(processUsage(bridge.child.pid!));
  }
  fleet.pause();
  const wall = (performance.now() - start) / 1000;
  const end = samples.at(-1)!;
  const published = consumer.received();
  const readings = [...fleet.sent.values()].reduce((n, t) => n + t.length, 0);
  const first = [...fleet.sent.keys()].map((id) => `smartmeter/${id}/state`);
  const arrived = () => first.reduce((n, t) => n + consumer.timestamps(t).length, 0);
  const ended = await settle(() => arrived() >= readings, consumer.received, 3_000, quick ? 4_000 : 60_000);
  const verdict = fleetVerdict(consumer, fleet.sent, 'smartmeter', TOPICS_PER_READING, DSMR_GAS_TOPIC);
  const lostReadings = stateVerdict(consumer, fleet.sent).lost;
  const cpu = ((end.cpuSeconds - startUsage.cpuSeconds) / wall) * 100;
  const rss = Math.max(...samples.map((s) => s.rssMb));
  const stopped = await stopBridge(bridge);
  console.log(
    `${METERS} DSMR 5 meters at 1 Hz for ${SECONDS} s (${readings} telegrams, default config, ` +
      `node flags of npm start: ${nodeFlags || 'none'}):\n` +
      `  bridge RSS ${startUsage.rssMb.toFixed(0)} → ${end.rssMb.toFixed(0)} MB (max ${rss.toFixed(0)}, target < 120); ` +
      `CPU ${cpu.toFixed(1)} % of one core (target < 10)\n` +
      `  published ${Math.round(published / wall)} msgs/s while meters sent; readings lost ${lostReadings} of ${readings} ` +
      `(target 0; values lost ${verdict.lost} of ${readings * TOPICS_PER_READING}), repeated ${verdict.repeats}, ` +
      `order ${verdict.ordered ? 'kept' : 'BROKEN'} (${ended})\n` +
      `  SIGTERM: ${stopped}`,
  );
  await consumer.close();
} finally {
  await stopBridge(bridge);
  await fleet.close();
  await broker.dispose();
  dir.remove();
}
