/**
 * A plausible Swiss household for the meter simulator: a day curve of consumption, a PV system that exports around
 * noon, three unevenly loaded phases, tariffs, and counters that only rise. Deterministic for a given seed, so
 * demos and tests see the same values.
 */

export interface PhaseState {
  voltage: number;
  current: number;
  /** Active power drawn from (positive) or fed into (negative) the grid on this phase, W. */
  power: number;
}

export interface HouseholdState {
  /** Unix seconds. */
  time: number;
  phases: [PhaseState, PhaseState, PhaseState];
  /** Import from the grid, W (≥ 0). */
  powerIn: number;
  /** Export to the grid, W (≥ 0). */
  powerOut: number;
  /** Reactive power, var (positive: inductive load). */
  reactivePower: number;
  /** Active energy, Wh, by tariff: index 0 = T1 (low: nights and weekends), 1 = T2 (normal). */
  energyIn: [number, number];
  energyOut: [number, number];
  /** Reactive energy imported and exported, varh. */
  reactiveEnergyIn: number;
  reactiveEnergyOut: number;
  /** 1 = low tariff, 2 = normal tariff (DSMR numbering). */
  tariff: 1 | 2;
  gasVolume: number;
  frequency: number;
  /** Hour of the local day, fractional. */
  localHour: number;
}

import { zoneOffsetMinutes } from '../time.ts';

/** mulberry32: a tiny seeded PRNG, so a simulation replays exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const bump = (hour: number, centre: number, width: number) => Math.exp(-(((hour - centre) / width) ** 2));

/** Consumption in W at a local hour of day: base load, breakfast and dinner peaks. */
function consumption(hour: number): number {
  return 280 + 1400 * bump(hour, 7.5, 0.8) + 600 * bump(hour, 12.5, 1) + 2300 * bump(hour, 19, 1.5);
}

/** PV output in W for a 6 kWp system on a fair day. */
function photovoltaic(hour: number): number {
  return hour < 6 || hour > 20 ? 0 : 6000 * Math.max(0, Math.sin(((hour - 6) / 14) * Math.PI)) ** 1.5;
}

const PHASE_SHARE = [0.45, 0.33, 0.22] as const;

export class Household {
  private readonly rand: () => number;
  private state: HouseholdState;

  /** `timeZone` places the day curve in the household's local time. */
  constructor(
    start: number,
    seed = 1,
    private readonly timeZone = 'Europe/Zurich',
  ) {
    this.rand = random(seed);
    const counters = 1000 + Math.floor(this.rand() * 9000);
    this.state = {
      time: start,
      phases: [0, 1, 2].map(() => ({ voltage: 230, current: 0, power: 0 })) as HouseholdState['phases'],
      powerIn: 0,
      powerOut: 0,
      reactivePower: 0,
      energyIn: [counters * 400, counters * 700],
      energyOut: [counters * 90, counters * 300],
      reactiveEnergyIn: counters * 120,
      reactiveEnergyOut: counters * 40,
      tariff: 2,
      gasVolume: counters / 2,
      frequency: 50,
      localHour: 0,
    };
    this.state = this.sample(start);
  }

  /** The state at `time` (Unix seconds), integrating the counters since the last call; time never runs backwards. */
  at(time: number): HouseholdState {
    const previous = this.state;
    if (time <= previous.time) return previous;
    const next = this.sample(time);
    const hours = (time - previous.time) / 3600;
    const low = previous.tariff === 1;
    const [in1, in2] = previous.energyIn;
    const [out1, out2] = previous.energyOut;
    const addIn = previous.powerIn * hours;
    const addOut = previous.powerOut * hours;
    next.energyIn = low ? [in1 + addIn, in2] : [in1, in2 + addIn];
    next.energyOut = low ? [out1 + addOut, out2] : [out1, out2 + addOut];
    next.reactiveEnergyIn = previous.reactiveEnergyIn + Math.max(0, previous.reactivePower) * hours;
    next.reactiveEnergyOut = previous.reactiveEnergyOut + Math.max(0, -previous.reactivePower) * hours;
    next.gasVolume = previous.gasVolume + (0.15 + 0.4 * bump(next.localHour, 7, 1.5)) * hours;
    this.state = next;
    return next;
  }

  private sample(time: number): HouseholdState {
    const local = new Date((time + zoneOffsetMinutes(time, this.timeZone) * 60) * 1000);
    const hour = local.getUTCHours() + local.getUTCMinutes() / 60 + local.getUTCSeconds() / 3600;
    const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
    const load = consumption(hour) * (0.85 + 0.3 * this.rand());
    const pv = photovoltaic(hour) * (0.75 + 0.25 * this.rand());
    const phases = PHASE_SHARE.map((share) => {
      const power = load * share - pv / 3;
      const voltage = 229 + 4 * this.rand() - power / 2000;
      return { voltage, current: Math.abs(power) / voltage, power };
    }) as HouseholdState['phases'];
    const net = phases.reduce((sum, p) => sum + p.power, 0);
    return {
      ...this.state,
      time,
      phases,
      powerIn: Math.max(0, net),
      powerOut: Math.max(0, -net),
      reactivePower: load * 0.18 - 50 * this.rand(),
      tariff: weekend || hour < 7 || hour >= 21 ? 1 : 2,
      localHour: hour,
      frequency: 49.97 + 0.06 * this.rand(),
    };
  }
}
