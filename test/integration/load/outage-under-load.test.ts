/**
 * The broker goes away while 100 DSMR 5 meters (behind TCP bridges) send once a second to the real `serve` process,
 * and comes back: every reading made before, during and after the outage reaches a consumer with a persistent session,
 * at most twice (QoS 1), in each meter's order, while live traffic and the backlog replay interleave. The outage lasts
 * 20 s by default (CI); `LOAD_FULL=1` makes it the 5 minutes of issue 6.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DSMR_GAS_TOPIC, dsmrFleet } from '../../helpers/dsmr-fleet.ts';
import { bigBacklogMosquitto, serveConfig, settle } from '../../helpers/load-kit.ts';
import { fleetVerdict, profileConsumer, verdict, type ProfileConsumer } from '../../helpers/profile-consumer.ts';
import { startServe } from '../../helpers/serve-process.ts';
import { cleanupList, tempDir, waitFor } from '../bridge/bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const METERS = 100;
const OUTAGE_S = process.env.LOAD_FULL === '1' ? 300 : 20;
/** Value topics of one simulated DSMR 5 telegram (the gas sub-meter keeps a clock of its own). */
const TOPICS_PER_READING = 21;
/** A directory for serve's and Mosquitto's whole logs (LOAD_LOG_DIR), to find where values went. */
const LOG_DIR = process.env.LOAD_LOG_DIR;

describe('load: a broker outage under 100-meter load', () => {
  it(`delivers every reading after a ${OUTAGE_S} s outage, at most twice, in each meter's order`, async () => {
    const db = tempDir(cleanup, 'smb-it-outage-db-');
    chmodSync(db, 0o777); // mosquitto started as root drops to its own user, which must write the database
    const brokerLog = LOG_DIR
      ? [
          `log_dest file ${join(LOG_DIR, 'mosquitto.log')}`,
          'log_type error',
          'log_type warning',
          'log_type notice',
          'log_type information',
        ]
      : [];
    const broker = await bigBacklogMosquitto(['persistence true', `persistence_location ${db}/`, ...brokerLog]);
    cleanup.add(() => broker.dispose());
    const consumer = await profileConsumer(broker.url, 'smartmeter', { clientId: 'it-load-outage', clean: false });
    cleanup.add(() => consumer.close());
    const fleet = await dsmrFleet(METERS);
    cleanup.add(() => fleet.close());
    const bridge = startServe(
      tempDir(cleanup, 'smb-it-outage-'),
      await serveConfig(broker.url, {
        sources: fleet.sources,
        // Default settings for the default outage (its backlog, about 2,200 messages a second, fits the default
        // queue and replays at the default 500/s). Five minutes need a queue that holds them, and the broker's room
        // for big backlogs (docs/broker.md) lets the replay go faster.
        ...(OUTAGE_S > 60 && { queue: { flushRate: 5000, maxMessages: 1_000_000, maxBytes: 512 * 1024 * 1024 } }),
      }),
    );
    cleanup.add(() => bridge.stop('SIGKILL'));
    const opened = () => fleet.sources.every((s) => bridge.stderr().includes(` ${s.id}: open`));
    await waitFor(opened, 'every meter connection', 60_000);

    fleet.play();
    const stateTopics = [...fleet.sent.keys()].map((id) => `smartmeter/${id}/state`);
    await waitFor(() => stateTopics.every((t) => consumer.timestamps(t).length >= 2), 'readings before', 60_000);
    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_S * 1000)); // the outage itself, not a wait for an effect
    await broker.start();
    await waitFor(() => bridge.stderr().split('connected to').length > 2, 'the bridge to reconnect', 60_000);
    await waitFor(() => consumer.client.connected, 'the consumer to reconnect', 60_000);
    const total = () => [...fleet.sent.values()].reduce((n, t) => n + t.length, 0);
    const atReconnect = total();
    await waitFor(() => total() >= atReconnect + 3 * METERS, 'live readings after the outage', 60_000);
    fleet.pause();

    const readings = total();
    const arrived = () => stateTopics.reduce((n, t) => n + new Set(consumer.timestamps(t)).size, 0);
    await settle(() => arrived() >= readings, consumer.received, 60_000, (OUTAGE_S * 10 + 300) * 1000);
    const result = fleetVerdict(consumer, fleet.sent, 'smartmeter', TOPICS_PER_READING, DSMR_GAS_TOPIC);
    if (LOG_DIR) writeFileSync(join(LOG_DIR, 'serve.log'), bridge.stderr());
    const warnings = bridge
      .stderr()
      .split('\n')
      .filter((line) => / (WARN|ERROR) /.test(line) && !line.includes('connection refused'));
    const where = JSON.stringify(lostByQuantity(consumer, fleet.sent));
    expect(result.lost, `lost per quantity ${where}\n${warnings.slice(0, 5).join('\n')}`).toBe(0);
    expect(result.maxCopies).toBeLessThanOrEqual(2);
    expect(result.ordered).toBe(true);
  }, 3_600_000);
});

/** Readings lost per quantity (topic below the meter) over all meters: shows where values went missing. */
function lostByQuantity(
  consumer: ProfileConsumer,
  sent: ReadonlyMap<string, readonly number[]>,
): Record<string, number> {
  const lost: Record<string, number> = {};
  for (const [meterId, timestamps] of sent) {
    for (const topic of consumer.topics(`smartmeter/${meterId}/`)) {
      if (DSMR_GAS_TOPIC.test(topic)) continue;
      const quantity = topic.slice(`smartmeter/${meterId}/`.length);
      const missing = verdict(timestamps, consumer.timestamps(topic)).lost;
      if (missing > 0) lost[quantity] = (lost[quantity] ?? 0) + missing;
    }
  }
  return lost;
}
