/**
 * Profile units and the one place that converts what a meter sends into them. Every published number is in one of
 * these units; a value whose unit cannot be converted to its quantity's unit is not published.
 */

/** `''` is dimensionless (power factor). Volumes are written `m3` (ASCII), as DSMR and EN 13757-3 tools write them. */
export type ProfileUnit =
  'W' | 'Wh' | 'var' | 'varh' | 'VA' | 'VAh' | 'V' | 'A' | 'Hz' | 'm3' | 'm3/h' | '°C' | 'K' | '';

export const PROFILE_UNITS: readonly ProfileUnit[] = [
  'W',
  'Wh',
  'var',
  'varh',
  'VA',
  'VAh',
  'V',
  'A',
  'Hz',
  'm3',
  'm3/h',
  '°C',
  'K',
  '',
];

const WH_PER_JOULE = 1 / 3600;

/** Source unit → [profile unit, factor]. Heat energy is published in Wh like electricity: 1 GJ = 277 777.78 Wh. */
const CONVERSIONS: Readonly<Record<string, readonly [ProfileUnit, number]>> = {
  W: ['W', 1],
  kW: ['W', 1e3],
  MW: ['W', 1e6],
  Wh: ['Wh', 1],
  kWh: ['Wh', 1e3],
  MWh: ['Wh', 1e6],
  GWh: ['Wh', 1e9],
  J: ['Wh', WH_PER_JOULE],
  kJ: ['Wh', 1e3 * WH_PER_JOULE],
  MJ: ['Wh', 1e6 * WH_PER_JOULE],
  GJ: ['Wh', 1e9 * WH_PER_JOULE],
  var: ['var', 1],
  kvar: ['var', 1e3],
  Mvar: ['var', 1e6],
  varh: ['varh', 1],
  kvarh: ['varh', 1e3],
  Mvarh: ['varh', 1e6],
  VA: ['VA', 1],
  kVA: ['VA', 1e3],
  MVA: ['VA', 1e6],
  VAh: ['VAh', 1],
  kVAh: ['VAh', 1e3],
  MVAh: ['VAh', 1e6],
  V: ['V', 1],
  kV: ['V', 1e3],
  mV: ['V', 1e-3],
  A: ['A', 1],
  mA: ['A', 1e-3],
  Hz: ['Hz', 1],
  m3: ['m3', 1],
  'm³': ['m3', 1],
  l: ['m3', 1e-3],
  'm3/h': ['m3/h', 1],
  'm³/h': ['m3/h', 1],
  'l/h': ['m3/h', 1e-3],
  '°C': ['°C', 1],
  degC: ['°C', 1],
  K: ['K', 1],
  '%': ['', 0.01],
};

/**
 * Meters disagree on case (`KWH`, `kVArh`), so units also match case-insensitively, except where case is the
 * prefix: `MW` (mega) and `mW` (milli) must never be confused, so M/m-prefixed units only match exactly.
 */
const CASELESS = new Map(
  Object.entries(CONVERSIONS)
    .filter(([unit]) => !/^[mM][a-zA-Z]/.test(unit))
    .map(([unit, conversion]) => [unit.toLowerCase(), conversion] as const),
);

export interface UnitConversion {
  unit: ProfileUnit;
  factor: number;
}

const DIMENSIONLESS: UnitConversion = { unit: '', factor: 1 };
const MAX_CACHED_UNITS = 256;
const conversions = new Map<string, UnitConversion | null>();

/**
 * How a unit as the meter states it (null = the frame states none) converts to the profile unit of the same
 * dimension, or null when the unit is unknown. Meters state the same few units in every message: each is looked up
 * once (bounded, as units come from the wire).
 */
export function unitConversion(unit: string | null): UnitConversion | null {
  if (unit === null) return DIMENSIONLESS;
  let conversion = conversions.get(unit);
  if (conversion === undefined) {
    const key = unit.trim();
    const found = key === '' ? undefined : (CONVERSIONS[key] ?? CASELESS.get(key.toLowerCase()));
    conversion = key === '' ? DIMENSIONLESS : found ? { unit: found[0], factor: found[1] } : null;
    if (conversions.size >= MAX_CACHED_UNITS) conversions.clear();
    conversions.set(unit, conversion);
  }
  return conversion;
}

/**
 * `value` (in `unit` as the meter states it; null = the frame states none) in the profile unit of the same dimension,
 * or null when the unit is unknown. A value without a unit is dimensionless: it only fits dimensionless quantities.
 */
export function toProfileUnit(value: number, unit: string | null): { value: number; unit: ProfileUnit } | null {
  const conversion = unitConversion(unit);
  return conversion ? { value: value * conversion.factor, unit: conversion.unit } : null;
}

const SIGNIFICANT_DIGITS = 12;
const LIMIT = 10 ** SIGNIFICANT_DIGITS;
/** Decimal places tried before the string round trip: meters state up to three (Wh from kWh, V, A, Hz). */
const SCALES = [1, 10, 100, 1000];
/** Well below half a unit in the 12th significant digit (5e-13 relative), well above a double's rounding (1.1e-16). */
const NEAR = 1e-13;

/**
 * Deterministic rounding for every published number: 12 significant digits. That removes binary float noise
 * (0.1 + 0.2, 0.338 kW × 1000) yet keeps every digit a meter sends (a 0.001 kWh step on a 100 GWh counter is still
 * exact). Negative zero becomes 0.
 */
export function roundValue(value: number): number {
  // Integers below 10^12 already have at most 12 significant digits (most registers): no string round trip.
  if (Number.isInteger(value) && Math.abs(value) < LIMIT) return value === 0 ? 0 : value;
  // A value this near n / 10^d (|n| < 10^12) has that decimal as its 12-digit rounding, and n / 10^d (two exact
  // doubles, one division) is the double Number() reads from it: the same result as toPrecision, without strings.
  for (const scale of SCALES) {
    const scaled = value * scale;
    const n = Math.round(scaled);
    if (Math.abs(scaled - n) <= Math.abs(scaled) * NEAR && Math.abs(n) < LIMIT && n !== 0) return n / scale;
  }
  const rounded = Number(value.toPrecision(SIGNIFICANT_DIGITS));
  return rounded === 0 ? 0 : rounded;
}
