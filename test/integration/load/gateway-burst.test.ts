/**
 * A burst of 100,000 gPlug messages (100 Tasmota devices, 1,000 immediate `{"Time":…,"z":{"Pi":…}}` messages each,
 * published at QoS 1 as fast as Mosquitto acknowledges) into the real `serve` process: every reading arrives on its
 * power topic (at most twice, QoS 1), in each meter's order, the bridge's memory stays bounded and its keep-alive
 * holds (its last will, `offline` on the bridge status, never fires). Before issue 6 the output stopped after 10
 * readings, the broker fired the last will and RSS reached 1.7 GB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayDriver, gplugImmediate, gplugMeter, interleaved } from '../../helpers/gateway-traffic.ts';
import { bigBacklogMosquitto, serveConfig, settle } from '../../helpers/load-kit.ts';
import { combined, profileConsumer, verdict, type DeliveryVerdict } from '../../helpers/profile-consumer.ts';
import { processUsage, startServe } from '../../helpers/serve-process.ts';
import { cleanupList, tempDir, waitFor } from '../bridge/bridge-kit.ts';

const cleanup = cleanupList();
afterAll(() => cleanup.run());

const DEVICES = 100;
const PER_DEVICE = 1000;
/** Peak RSS allowed: the bridge idles near 130 MB; what the burst adds must be bounded by config, not by input. */
const PEAK_RSS_MB = 400;

interface BurstOutcome {
  delivery: DeliveryVerdict;
  peakRssMb: number;
  bridgeStatuses: readonly string[];
  exit: number | null | 'timeout';
}

/** One burst for all the checks below (it takes a minute or more on a loaded machine). */
async function burstThroughBridge(): Promise<BurstOutcome> {
  const broker = await bigBacklogMosquitto();
  cleanup.add(() => broker.dispose());
  const consumer = await profileConsumer(broker.url);
  cleanup.add(() => consumer.close());
  const bridge = startServe(
    tempDir(cleanup, 'smb-it-burst-'),
    await serveConfig(broker.url, {
      // Default queue and memory settings: the burst waits at the broker, not in the bridge or its disk queue.
      sources: [{ type: 'mqtt', id: 'gplug', gateway: 'tasmota' }],
    }),
  );
  cleanup.add(() => bridge.stop('SIGKILL'));
  await waitFor(() => bridge.stderr().includes('gplug: subscribed'), 'the gateway subscription', 30_000);

  const meters = Array.from({ length: DEVICES }, (_, n) => gplugMeter(n));
  const burst = interleaved(meters, PER_DEVICE, (m, s) => [gplugImmediate(m, s)]);
  const driver = await gatewayDriver(broker.url);
  cleanup.add(() => driver.close());
  await driver.publish(burst);

  const topic = (id: string) => `smartmeter/${id}/power/power_in`;
  const arrived = () => meters.reduce((n, m) => n + new Set(consumer.timestamps(topic(m.meterId))).size, 0);
  await settle(() => arrived() >= burst.length, consumer.received, 30_000, 600_000);
  const sent = (id: string) => burst.filter((m) => m.meterId === id).map((m) => m.timestamp);
  return {
    delivery: combined(meters.map((m) => verdict(sent(m.meterId), consumer.timestamps(topic(m.meterId))))),
    peakRssMb: processUsage(bridge.child.pid!).peakRssMb,
    bridgeStatuses: [...consumer.statuses('smartmeter/bridge/status')], // before SIGTERM reports 'offline'
    exit: await bridge.stop('SIGTERM'),
  };
}

describe('load: a 100,000-message gateway burst into serve', () => {
  let outcome: BurstOutcome;
  beforeAll(async () => void (outcome = await burstThroughBridge()), 900_000);

  it("delivers every reading, at most twice, in each meter's order", () => {
    expect(outcome.delivery.lost).toBe(0);
    expect(outcome.delivery.maxCopies).toBeLessThanOrEqual(2);
    expect(outcome.delivery.ordered).toBe(true);
  });

  it("holds the keep-alive: the bridge's last will never fires, and SIGTERM afterwards exits 0", () => {
    expect(outcome.bridgeStatuses).not.toContain('offline');
    expect(outcome.exit).toBe(0);
  });

  // Memory is bounded by config, not by the burst: the gateway subscription stops reading while the publisher's
  // memory tail is half full (maxPending), so the rest waits at the broker. Before that the peak grew with the burst
  // (246 MB after 30,000 messages, 511 MB after 100,000) and everything beyond the tail went through the disk queue.
  it(`keeps its memory bounded (peak RSS under ${PEAK_RSS_MB} MB)`, () => {
    expect(outcome.peakRssMb, `peak RSS ${outcome.peakRssMb.toFixed(0)} MB`).toBeLessThan(PEAK_RSS_MB);
  });
});
