/**
 * `serve` stopped in the middle of a gateway burst (SIGTERM, and SIGKILL as a crash) and started again on the same
 * data dir: every reading of the burst is published, at most twice (QoS 1), in each meter's order. The gateway
 * subscription reads only as fast as the output takes it, so the rest of a burst waits at the broker; its persistent
 * session (a client ID stable across restarts, clean start off) keeps it there while the bridge is away. The last case
 * shows what the test guards: with a clean session (`sessionExpirySeconds: 0`) the broker discards that backlog.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { gatewayDriver, gplugImmediate, gplugMeter, interleaved } from '../../helpers/gateway-traffic.ts';
import { bigBacklogMosquitto, serveConfig, settle } from '../../helpers/load-kit.ts';
import { combined, profileConsumer, verdict, type DeliveryVerdict } from '../../helpers/profile-consumer.ts';
import { startServe } from '../../helpers/serve-process.ts';
import { cleanupList, tempDir, waitFor } from '../bridge/bridge-kit.ts';

const cleanup = cleanupList();
afterAll(() => cleanup.run());

const DEVICES = 20;
const PER_DEVICE = 1000;
/** The bridge is stopped once this many readings came out: well inside the burst, with most of it still to come. */
const STOP_AFTER = 3000;

/** One burst through `serve`, which is sent `signal` mid-burst and started again on the same data dir. */
async function burstWithStop(signal: NodeJS.Signals, sessionExpirySeconds?: number): Promise<DeliveryVerdict> {
  const broker = await bigBacklogMosquitto();
  cleanup.add(() => broker.dispose());
  const consumer = await profileConsumer(broker.url);
  cleanup.add(() => consumer.close());
  const dir = tempDir(cleanup, 'smb-it-midburst-');
  const config = await serveConfig(broker.url, {
    sources: [{ type: 'mqtt', id: 'gplug', gateway: 'tasmota', sessionExpirySeconds }],
  });
  const start = async () => {
    const bridge = startServe(dir, config);
    cleanup.add(() => bridge.stop('SIGKILL'));
    await waitFor(() => bridge.stderr().includes('gplug: subscribed'), 'the gateway subscription', 60_000);
    return bridge;
  };

  const meters = Array.from({ length: DEVICES }, (_, n) => gplugMeter(n));
  const burst = interleaved(meters, PER_DEVICE, (m, s) => [gplugImmediate(m, s)]);
  const topic = (id: string) => `smartmeter/${id}/power/power_in`;
  const arrived = () => meters.reduce((n, m) => n + new Set(consumer.timestamps(topic(m.meterId))).size, 0);

  const first = await start();
  const driver = await gatewayDriver(broker.url);
  cleanup.add(() => driver.close());
  const published = driver.publish(burst);
  await waitFor(() => arrived() >= STOP_AFTER, `${STOP_AFTER} readings out`, 120_000);
  await first.stop(signal);
  const midway = arrived();
  await published; // the rest of the burst reaches the broker while the bridge is away
  const second = await start();
  await settle(() => arrived() >= burst.length, consumer.received, 20_000, 600_000);
  await second.stop('SIGTERM');
  expect(midway, 'stopped before the burst was through').toBeLessThan(burst.length);
  const sent = (id: string) => burst.filter((m) => m.meterId === id).map((m) => m.timestamp);
  return combined(meters.map((m) => verdict(sent(m.meterId), consumer.timestamps(topic(m.meterId)))));
}

describe('load: serve stopped mid-burst and started again', () => {
  const everyReading = (signal: NodeJS.Signals) => async () => {
    const delivery = await burstWithStop(signal);
    expect(delivery.lost, JSON.stringify(delivery)).toBe(0);
    expect(delivery.maxCopies).toBeLessThanOrEqual(2);
    expect(delivery.ordered).toBe(true);
  };
  const title = (signal: string) => `publishes every reading of the burst after ${signal}, at most twice, in order`;

  it(title('SIGTERM'), everyReading('SIGTERM'), 900_000);

  // A gateway message is acknowledged only once its readings left the process's memory (Publisher.whenHandedOff):
  // before that, what waited in the publisher's memory tail died with the process (1,973 of 20,000 readings).
  it(title('SIGKILL'), everyReading('SIGKILL'), 900_000);

  it('loses the backlog with a clean session (what the persistent session prevents)', async () => {
    const delivery = await burstWithStop('SIGTERM', 0);
    expect(delivery.lost).toBeGreaterThan(0);
  }, 900_000);
});
