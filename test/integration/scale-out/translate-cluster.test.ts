/**
 * Issue 10: three `translate` instances share `$share/scale/tele/+/SENSOR` on a real Mosquitto 2 while simulated
 * gPlugs publish once a second (1,000 of them). Mid-run one instance is killed with
 * SIGKILL and started again under its id. Every reading is translated, at most twice (on the live state topic, or on
 * `late` when a newer one of its meter was published first or it may have waited at the broker too long); per meter
 * the state bundles arrive in meter-clock order and the energy total never goes down. Before the delay probe, a
 * restarted instance draining its backlog on a saturated CPU (`taskset -c 0`) published about a third of one second's
 * readings after the next second's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startMosquitto } from '../../helpers/mosquitto.ts';
import { until } from '../../helpers/wait.ts';
import { gatewayFleet, meterId, recorder, startTranslate } from './scale-out-kit.ts';

// The fleet, in CI too: the run lasts the same 12 s as with 200 (about 20 s with the drain), at more CPU.
const GATEWAYS = 1000;
const SECONDS = 12;
const KILL_AT = 4;
const RESTART_AT = 6;

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('translate: three instances behind one broker', () => {
  it(`translates every reading of ${GATEWAYS} gateways at 1 Hz through a SIGKILL and a restart`, async () => {
    // Room for what the broker keeps for the killed instance's session until it is back (docs/scale-out.md).
    const broker = await startMosquitto(['max_queued_messages 200000', 'set_tcp_nodelay true']);
    cleanups.push(() => broker.dispose());
    const seen = await recorder(broker.url);
    cleanups.push(() => seen.close());
    const instances = ['t1', 't2', 't3'].map((id) => startTranslate(broker.url, id));
    for (const instance of instances) cleanups.push(() => instance.kill());
    await Promise.all(instances.map((i) => i.ready));
    const fleet = await gatewayFleet(broker.url, GATEWAYS);
    cleanups.push(() => fleet.close());

    let replacement: ReturnType<typeof startTranslate> | undefined;
    for (let second = 0; second < SECONDS; second++) {
      const tick = new Promise((resolve) => setTimeout(resolve, 1000));
      await fleet.publish(second);
      if (second === KILL_AT) {
        instances[1]!.child.kill('SIGKILL');
        expect(await instances[1]!.exited).toBe('SIGKILL');
      }
      if (second === RESTART_AT) {
        replacement = startTranslate(broker.url, 't2');
        cleanups.push(() => replacement!.kill());
      }
      await tick;
    }
    await replacement!.ready;

    const translated = (id: string, second: number): number =>
      (seen.state.get(id)?.filter((p) => p.timestamp === second).length ?? 0) +
      (seen.late.get(id)?.filter((s) => s === second).length ?? 0);
    const missing = (): string[] => {
      const out: string[] = [];
      for (let n = 0; n < GATEWAYS; n++)
        for (let s = 0; s < SECONDS; s++) if (translated(meterId(n), s) === 0) out.push(`${meterId(n)}@${s}`);
      return out;
    };
    await until(() => missing().length === 0, 'every reading translated', 120_000).catch(() => undefined);
    expect(missing()).toEqual([]);

    const twice: string[] = [];
    const disorder: string[] = [];
    for (let n = 0; n < GATEWAYS; n++) {
      const id = meterId(n);
      for (let s = 0; s < SECONDS; s++) if (translated(id, s) > 2) twice.push(`${id}@${s}`);
      const states = seen.state.get(id) ?? []; // none when every reading of the meter waited too long
      for (let i = 1; i < states.length; i++) {
        const [before, after] = [states[i - 1]!, states[i]!];
        if (after.timestamp < before.timestamp || after.energy < before.energy)
          disorder.push(`${id}: ${before.timestamp} then ${after.timestamp}`);
      }
    }
    expect(twice, 'translated more than twice').toEqual([]);
    expect(disorder, 'state bundles out of meter-clock order').toEqual([]);
    // The work was shared: every instance, the replacement too, took readings (live, or late when it was behind).
    const took = (id: string) => (seen.stats.get(id)?.received ?? 0) > 0;
    await until(() => ['t1', 't3'].every(took), 'stats of t1 and t3');
    await until(() => took('t2'), 'stats of the restarted t2');
    const late = [...seen.late.values()].reduce((sum, l) => sum + l.length, 0);
    const counts = [...seen.stats].map(([id, c]) => `${id} ${c.translated} live, ${c.late} late, ${c.delayed} delayed`);
    console.log(`scale-out: ${GATEWAYS * SECONDS} readings, ${late} published late (${counts.join('; ')})`);
  }, 300_000);
});

describe('translate: stopping and readiness', () => {
  it('a stopped instance hands its share back at once, and /healthz follows the broker connection', async () => {
    const broker = await startMosquitto(['max_queued_messages 200000']);
    cleanups.push(() => broker.dispose());
    const seen = await recorder(broker.url);
    cleanups.push(() => seen.close());
    const kept = startTranslate(broker.url, 'kept', ['--health', '127.0.0.1:0']);
    const stopped = startTranslate(broker.url, 'stopped');
    for (const instance of [kept, stopped]) cleanups.push(() => instance.kill());
    await Promise.all([kept.ready, stopped.ready]);
    const health = /readiness on (\S+)/u.exec(kept.stderr())![1]!;
    expect((await fetch(health)).status).toBe(200);

    stopped.child.kill('SIGTERM');
    expect(await stopped.exited).toBe(0);
    const fleet = await gatewayFleet(broker.url, 50);
    cleanups.push(() => fleet.close());
    for (let second = 0; second < 3; second++) await fleet.publish(second);
    // Before the session was ended on a stop, the broker kept assigning half of the messages to the stopped one.
    const taken = (id: string) => (seen.state.get(id)?.length ?? 0) + (seen.late.get(id)?.length ?? 0);
    const all = () => [...Array(50).keys()].every((n) => taken(meterId(n)) === 3);
    await until(all, 'every reading translated by the instance left', 30_000).catch(() => undefined);
    expect(all()).toBe(true);

    await broker.stop();
    await until(() => / INFO {2}not ready/mu.test(kept.stderr()), 'the instance to notice the broker is gone');
    expect((await fetch(health)).status).toBe(503);
  }, 120_000);
});
