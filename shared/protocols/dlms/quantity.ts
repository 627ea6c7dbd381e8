/**
 * What an electricity OBIS code measures, for registers pushed without their scaler_unit: IEC 62056-61 value
 * groups C (quantity; +20/+40/+60 for phases L1/L2/L3) and D (7 instantaneous value, 8 energy register).
 */

export type Quantity = 'energy' | 'power' | 'voltage' | 'current' | 'powerFactor' | 'frequency';

export interface QuantityInfo {
  quantity: Quantity;
  unit: string | null;
}

/** Quantity and unit by C within one block of 20 (C = 1..20, phases repeat it at 21.., 41.., 61..). */
const BY_C: Readonly<Record<number, { kind: 'active' | 'reactive' | 'apparent' } | QuantityInfo>> = {
  1: { kind: 'active' },
  2: { kind: 'active' },
  3: { kind: 'reactive' },
  4: { kind: 'reactive' },
  5: { kind: 'reactive' },
  6: { kind: 'reactive' },
  7: { kind: 'reactive' },
  8: { kind: 'reactive' },
  9: { kind: 'apparent' },
  10: { kind: 'apparent' },
  11: { quantity: 'current', unit: 'A' },
  12: { quantity: 'voltage', unit: 'V' },
  13: { quantity: 'powerFactor', unit: null },
  14: { quantity: 'frequency', unit: 'Hz' },
  15: { kind: 'active' },
  16: { kind: 'active' },
};

const POWER_UNITS = { active: ['W', 'Wh'], reactive: ['var', 'varh'], apparent: ['VA', 'VAh'] } as const;

/** Electricity quantities only (A = 1); null for everything else (identifiers, status, counters). */
export function quantityOf(obis: ArrayLike<number>): QuantityInfo | null {
  const [a, , c, d] = [obis[0]!, obis[1]!, obis[2]!, obis[3]!];
  if (a !== 1 || c < 1 || c > 80 || (d !== 7 && d !== 8)) return null;
  const entry = BY_C[((c - 1) % 20) + 1];
  if (!entry) return null;
  if ('kind' in entry) {
    const [power, energy] = POWER_UNITS[entry.kind];
    return d === 8 ? { quantity: 'energy', unit: energy } : { quantity: 'power', unit: power };
  }
  return d === 7 ? entry : null;
}
