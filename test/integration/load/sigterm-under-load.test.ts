/**
 * SIGTERM while 100 DSMR 5 meters send once a second: `serve` stops accepting, flushes within its bounded time
 * (queue.shutdownFlushMs), keeps the rest on disk and exits 0; started again on the same data dir, it delivers every
 * reading it had accepted. Before issue 6 the process under this load ignored SIGTERM for 20–100 s.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DSMR_GAS_TOPIC, dsmrFleet } from '../../helpers/dsmr-fleet.ts';
import { bigBacklogMosquitto, serveConfig, settle } from '../../helpers/load-kit.ts';
import { fleetVerdict, profileConsumer } from '../../helpers/profile-consumer.ts';
import { startServe } from '../../helpers/serve-process.ts';
import { cleanupList, tempDir, waitFor } from '../bridge/bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const METERS = 100;
/**
 * serve's bound: the flush (queue.shutdownFlushMs, 5 s) plus 5 s to stop and 2 s to exit; the limit leaves slack for
 * a loaded machine and is no measurement. Before issue 6 the process ignored SIGTERM for 20–100 s under this load.
 */
const EXIT_LIMIT_MS = 20_000;
/** Telegrams still on their way through TCP when SIGTERM came may or may not have been accepted. */
const UNCERTAIN_TAIL = 2;

describe('load: SIGTERM under 100-meter load', () => {
  it('exits 0 within the bounded flush, and the restarted bridge delivers every accepted reading', async () => {
    const broker = await bigBacklogMosquitto();
    cleanup.add(() => broker.dispose());
    const consumer = await profileConsumer(broker.url, 'smartmeter', { clientId: 'it-load-sigterm', clean: false });
    cleanup.add(() => consumer.close());
    const fleet = await dsmrFleet(METERS);
    cleanup.add(() => fleet.close());
    const dir = tempDir(cleanup, 'smb-it-sigterm-');
    const config = await serveConfig(broker.url, { sources: fleet.sources });
    const first = startServe(dir, config);
    cleanup.add(() => first.stop('SIGKILL'));
    await waitFor(() => fleet.sources.every((s) => first.stderr().includes(` ${s.id}: open`)), 'meters', 60_000);
    fleet.play();
    const stateTopics = [...fleet.sent.keys()].map((id) => `smartmeter/${id}/state`);
    const total = () => [...fleet.sent.values()].reduce((n, t) => n + t.length, 0);
    // Twenty seconds of load first: the old publisher fell behind at once and its disk queue grew all the while.
    await waitFor(() => total() >= 20 * METERS, 'twenty readings per meter', 60_000);
    fleet.pause();
    expect(await first.stop('SIGTERM', EXIT_LIMIT_MS), first.stderr()).toBe(0);

    const second = startServe(dir, config);
    cleanup.add(() => second.stop('SIGKILL'));
    await waitFor(() => second.stderr().includes('connected to'), 'the restarted bridge to connect', 60_000);
    const accepted = new Map([...fleet.sent].map(([id, sent]) => [id, sent.slice(0, -UNCERTAIN_TAIL)]));
    const readings = [...accepted.values()].reduce((n, t) => n + t.length, 0);
    const arrived = () => stateTopics.reduce((n, t) => n + new Set(consumer.timestamps(t)).size, 0);
    await settle(() => arrived() >= readings, consumer.received, 30_000, 300_000);
    const result = fleetVerdict(consumer, accepted, 'smartmeter', 1, DSMR_GAS_TOPIC);
    expect(result.lost).toBe(0);
    expect(result.maxCopies).toBeLessThanOrEqual(2);
    expect(result.ordered).toBe(true);
    expect(await second.stop('SIGTERM', EXIT_LIMIT_MS), second.stderr()).toBe(0);
  }, 600_000);
});
