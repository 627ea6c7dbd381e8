/**
 * Plays a simulated meter (shared/simulator) into a real wire (pty end, TCP server) and remembers every household
 * state it rendered, so a test can say what the bridge must publish for each message. The meter clock advances by
 * `clockStepS` per message, so every message carries its own timestamp and arrivals can be matched one to one even
 * when messages follow each other within a second.
 */
import { Household, type HouseholdState, type WireMeter } from '../../../shared/simulator/index.ts';

/** 2026-06-15 19:00 in Zurich: the evening peak, so the household draws power and the tariff is 2. */
export const SIMULATION_START = Date.UTC(2026, 5, 15, 17, 0, 0) / 1000;

export interface Played {
  state: HouseholdState;
  /** Exactly what went on the wire for this message. */
  bytes: Uint8Array;
  /** false for a message the test damaged on purpose: the bridge must not publish it. */
  intact: boolean;
}

export interface PlayOptions {
  intervalMs: number;
  clockStepS?: number;
  /** Stop by itself after this many messages (see `finished`); default: until stop(). */
  count?: number;
  /** Damages or surrounds a rendered message (garbage, a flipped byte, a cut); default: sent as rendered. */
  wire?: (rendered: Uint8Array, sequence: number) => { bytes: Uint8Array; intact: boolean };
}

export interface MeterPlayer {
  /** Messages whose write succeeded, in order. */
  sent: Played[];
  /** Messages sent intact. */
  intact(): Played[];
  /** Settles once `count` messages were tried, or after stop(). */
  finished: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Sends one message every `intervalMs` through `write` until stopped. A failing write (the pty is unplugged) is
 * skipped, not recorded as sent: the meter keeps its pace, as a real one does with nobody listening.
 */
export function playMeter(
  meter: WireMeter,
  write: (bytes: Uint8Array) => Promise<void>,
  options: PlayOptions,
): MeterPlayer {
  const {
    intervalMs,
    clockStepS = 10,
    count = Number.POSITIVE_INFINITY,
    wire = (bytes) => ({ bytes, intact: true }),
  } = options;
  const household = new Household(SIMULATION_START, 1, 'Europe/Zurich');
  const sent: Played[] = [];
  let stopped = false;
  let wake: () => void = () => undefined;
  const loop = (async () => {
    for (let sequence = 0; !stopped && sequence < count; sequence++) {
      const state = household.at(SIMULATION_START + sequence * clockStepS);
      const { bytes, intact } = wire(meter.render(state, sequence), sequence);
      const ok = await write(bytes).then(
        () => true,
        () => false,
      );
      if (ok) sent.push({ state, bytes, intact });
      if (sequence + 1 === count) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
    }
  })();
  return {
    sent,
    intact: () => sent.filter((p) => p.intact),
    finished: loop,
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}
