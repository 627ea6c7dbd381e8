/**
 * Issue 6: a gateway source's own keep-alive during a burst. The source reads a message only once the one before was
 * passed on (its hold), and mqtt.js reads packets in order, so the broker's answer to a ping waits behind every
 * publish the broker sent before it. With Mosquitto's 20 in flight and an output slower than the input, that took
 * longer than half a keep-alive and the client dropped the connection ("Keepalive timeout"; seen at 91,440 of
 * 100,000 bundles with the default 60 s). Here the keep-alive is 5 s, and the burst takes several of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttSource } from '../../../electron/core/sources/mqtt-source.ts';
import { gatewayDriver, gplugMeter, interleaved } from '../../helpers/gateway-traffic.ts';
import { bigBacklogMosquitto, settle } from '../../helpers/load-kit.ts';
import { cleanupList, waitFor } from '../bridge/bridge-kit.ts';

const cleanup = cleanupList();
afterAll(() => cleanup.run());

const KEEPALIVE_SECONDS = 5;
const BUNDLES = 200;
/** The output takes this long per message (a slow broker link): far more than the source may wait per message. */
const OUTPUT_MS_PER_MESSAGE = 300;

interface Outcome {
  sent: string[];
  read: string[];
  reasons: (string | undefined)[];
  disconnects: number;
  /** Bundles the source had read when the broker had taken the whole burst. */
  readWhenPublished: number;
}

async function burstIntoSource(): Promise<Outcome> {
  const broker = await bigBacklogMosquitto();
  cleanup.add(() => broker.dispose());
  const source = new MqttSource({
    url: broker.url,
    clientId: 'smb-test-keepalive',
    sessionExpirySeconds: 600, // as serve runs it: what a dropped connection left is sent again
    keepaliveSeconds: KEEPALIVE_SECONDS,
    reconnectPeriodMs: 100,
    gateways: [{ kind: 'tasmota', timeZone: 'Europe/Zurich' }],
    guard: { baseTopic: 'smartmeter' },
    room: () => new Promise<void>((resolve) => setTimeout(resolve, OUTPUT_MS_PER_MESSAGE)),
  });
  cleanup.add(() => source.stop());
  const read: string[] = [];
  const reasons: (string | undefined)[] = [];
  let disconnects = 0;
  source.on('message', (m) => read.push(`${m.meterId}@${m.timestamp}`));
  source.on('connection', (c) => {
    reasons.push(c.reason);
    if (!c.connected && reasons.length > 1) disconnects++;
  });
  source.start();
  await waitFor(() => source.stats().connected, 'the subscription', 10_000);

  const meters = Array.from({ length: BUNDLES }, (_, n) => gplugMeter(n));
  const burst = interleaved(meters, 1);
  const driver = await gatewayDriver(broker.url);
  cleanup.add(() => driver.close());
  await driver.publish(burst);
  const readWhenPublished = read.length;
  const unique = () => new Set(read).size;
  await settle(() => unique() >= burst.length, unique, 30_000, 300_000);
  return { sent: burst.map((m) => `${m.meterId}@${m.timestamp}`), read, reasons, disconnects, readWhenPublished };
}

describe('load: a gateway burst slower to pass on than the keep-alive', () => {
  let outcome: Outcome;
  beforeAll(async () => void (outcome = await burstIntoSource()), 400_000);

  it('keeps its connection: no keep-alive timeout, no disconnect', () => {
    expect(outcome.reasons.filter((r) => r?.includes('Keepalive'))).toEqual([]);
    expect(outcome.disconnects).toBe(0);
  });

  it('reads every bundle, at most twice', () => {
    expect(new Set(outcome.read)).toEqual(new Set(outcome.sent));
    const copies = new Map<string, number>();
    for (const r of outcome.read) copies.set(r, (copies.get(r) ?? 0) + 1);
    expect(Math.max(...copies.values())).toBeLessThanOrEqual(2);
  });

  it('leaves the burst waiting at the broker while the output is behind, not in this process', () => {
    expect(outcome.readWhenPublished).toBeLessThan(BUNDLES / 2);
  });
});
