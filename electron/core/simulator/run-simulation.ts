/** Plays a simulated meter in real time: a household state every interval, rendered and sent to a sink. */
import { Household, type HouseholdState, type SimulatedMeter } from '../../../shared/simulator/index.ts';
import type { MqttSink, WireSink } from './sinks.ts';

export interface SimulationOptions {
  /** Seconds between messages; default the meter's own interval. */
  interval?: number;
  /** Stop after this many messages; default: until stopped. */
  count?: number;
  /** How much faster than real time the household's day runs (60: an hour a minute), for demos. */
  speed?: number;
  seed?: number;
  /** Injected for tests. */
  now?: () => number;
  signal?: AbortSignal;
}

/** Waits `ms` or until aborted; the abort listener goes with the wait, so a long run does not pile them up. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => (clearTimeout(timer), signal?.removeEventListener('abort', wake), resolve());
    const timer = setTimeout(wake, ms);
    signal?.addEventListener('abort', wake, { once: true });
  });
}

/** The household as of now: its day starts at the first call's time and runs `speed` times faster than real time. */
export function simulatedHousehold(options: Pick<SimulationOptions, 'now' | 'speed' | 'seed'>): () => HouseholdState {
  const now = options.now ?? (() => Date.now() / 1000);
  const start = now();
  const speed = options.speed ?? 1;
  const household = new Household(start, options.seed ?? 1);
  return () => household.at(start + (now() - start) * speed);
}

/** Sends messages until `count` is reached or the signal aborts; returns how many were sent. */
export async function runSimulation(
  meter: SimulatedMeter,
  sink: WireSink | MqttSink,
  options: SimulationOptions = {},
): Promise<number> {
  const household = simulatedHousehold(options);
  const interval = options.interval ?? meter.interval;
  let sent = 0;
  while (!options.signal?.aborted && (options.count === undefined || sent < options.count)) {
    const state = household();
    if (meter.kind === 'wire' && 'write' in sink) await sink.write(meter.render(state, sent));
    else if (meter.kind === 'mqtt' && 'publish' in sink) await sink.publish(meter.render(state, sent));
    else throw new TypeError(`${meter.model} cannot send to ${sink.describe}`);
    sent++;
    if (options.count !== undefined && sent >= options.count) break;
    await sleep(interval * 1000, options.signal);
  }
  return sent;
}
