/**
 * Per-meter order across instances, made deterministic: an instance that falls behind (here stopped with SIGSTOP, as a
 * starved CPU, a VM pause or a long GC would) finds the readings that waited for it at the broker when it resumes,
 * while the other instance has published its meters' next readings meanwhile. Without the delay probe it published
 * them on the live topics after the newer ones (a meter's energy total went down for every consumer). And an
 * instance whose readings go to `late` still hears their meters: before, it reported them offline while they spoke.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startMosquitto } from '../../helpers/mosquitto.ts';
import { until } from '../../helpers/wait.ts';
import { gatewayFleet, meterId, recorder, startTranslate } from './scale-out-kit.ts';

// Odd, so that Mosquitto's round robin over two members alternates each gateway between them from second to second.
const GATEWAYS = 21;
const SECONDS = 4;

const meterStatus = `smartmeter/${meterId(0)}/status`;

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(process.platform === 'win32')('translate: an instance that falls behind', () => {
  it('publishes what waited for it to late, never after a newer reading of the same meter', async () => {
    const broker = await startMosquitto();
    cleanups.push(() => broker.dispose());
    const seen = await recorder(broker.url);
    cleanups.push(() => seen.close());
    // The one kept running publishes everything live, however loaded the machine; the stalled one has the guard.
    const quick = startTranslate(broker.url, 'quick', ['--max-delay', '3600000']);
    const stalled = startTranslate(broker.url, 'stalled');
    for (const instance of [quick, stalled]) cleanups.push(() => instance.kill());
    await Promise.all([quick.ready, stalled.ready]);
    const fleet = await gatewayFleet(broker.url, GATEWAYS);
    cleanups.push(() => fleet.close());
    const meters = [...Array(GATEWAYS).keys()].map(meterId);
    const newest = (id: string) => Math.max(...(seen.state.get(id) ?? []).map((p) => p.timestamp));
    await fleet.publish(0);
    const translated = (id: string, s: number) =>
      (seen.state.get(id) ?? []).filter((p) => p.timestamp === s).length +
      (seen.late.get(id) ?? []).filter((t) => t === s).length;
    await until(() => meters.every((id) => translated(id, 0) > 0), 'second 0 translated');

    stalled.child.kill('SIGSTOP');
    cleanups.unshift(() => void stalled.child.kill('SIGCONT'));
    // At 1 Hz, as gPlugs send: the guarantee needs a meter's readings further apart than --max-delay (500 ms).
    for (let second = 1; second < SECONDS; second++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await fleet.publish(second);
    }
    // Each meter's reading of second 2 or 3 went to the instance still running.
    await until(() => meters.every((id) => newest(id) >= 2), 'the running instance to publish its share');
    stalled.child.kill('SIGCONT');

    const all = () => meters.every((id) => [...Array(SECONDS).keys()].every((s) => translated(id, s) > 0));
    await until(all, 'every reading translated', 30_000).catch(() => undefined);
    expect(all()).toBe(true);
    const disorder = meters.filter((id) => {
      const states = seen.state.get(id) ?? [];
      return states.some(
        (p, i) => i > 0 && (p.timestamp < states[i - 1]!.timestamp || p.energy < states[i - 1]!.energy),
      );
    });
    expect(disorder, 'meters whose state bundles went backwards').toEqual([]);
    await until(() => (seen.stats.get('stalled')?.delayed ?? 0) > 0, 'the stalled instance to count delayed readings');
  }, 120_000);
});

describe('translate: liveness of meters whose readings go to late', () => {
  it('an instance whose readings all wait too long still counts their meters as heard from (no offline)', async () => {
    const broker = await startMosquitto();
    cleanups.push(() => broker.dispose());
    const statuses: string[] = [];
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'status-watch' });
    cleanups.push(() => watcher.endAsync());
    watcher.on('message', (_topic, payload) => statuses.push(payload.toString()));
    await watcher.subscribeAsync(meterStatus, { qos: 1 });
    // One instance publishes every reading it gets live, the other none (every wait counts as too long).
    const options = (delay: string) => ['--offline-after', '3', '--max-delay', delay];
    const live = startTranslate(broker.url, 'live', options('3600000'));
    const behind = startTranslate(broker.url, 'behind', options('1'));
    for (const instance of [live, behind]) cleanups.push(() => instance.kill());
    await Promise.all([live.ready, behind.ready]);
    const fleet = await gatewayFleet(broker.url, 1);
    cleanups.push(() => fleet.close());
    // Every 300 ms, alternating between the two: each hears the meter every 600 ms, well within 3 s.
    for (let second = 0; second < 25; second++) {
      await fleet.publish(second);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(statuses).toContain('online');
    expect(statuses).not.toContain('offline');
  }, 60_000);
});
