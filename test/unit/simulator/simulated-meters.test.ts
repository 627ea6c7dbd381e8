/** Every simulated meter decodes with our own decoders into plausible, rising values: demos show what users see. */
import { describe, expect, it } from 'vitest';
import { harmonize } from '../../../shared/profile/index.ts';
import { createDecoder } from '../../../shared/protocols/decode.ts';
import type { DecodedMessage, DecodeOutput } from '../../../shared/protocols/types.ts';
import { Household, SIMULATED_METERS } from '../../../shared/simulator/index.ts';

const key = Uint8Array.from({ length: 16 }, (_, i) => i);
const authKey = Uint8Array.from({ length: 16 }, (_, i) => 0xd0 + i);
const START = Date.UTC(2026, 5, 15, 4, 0, 0) / 1000;

function readings(message: DecodedMessage): Record<string, number> {
  return Object.fromEntries(harmonize(message).map((r) => [r.quantity, r.value]));
}

describe.each(Object.keys(SIMULATED_METERS))('simulated %s', (model) => {
  const meter = SIMULATED_METERS[model]!({ key, authKey });

  it('decodes (auto-detected) to its serial and counters that rise over a day', () => {
    if (meter.kind !== 'wire') return;
    const household = new Household(START, 5);
    const decoder = createDecoder('auto', { key, authKey, timeZone: 'Europe/Zurich' });
    const out: DecodeOutput[] = [];
    for (let hour = 0; hour <= 12; hour += 3)
      out.push(...decoder.push(meter.render(household.at(START + hour * 3600), hour)));
    out.push(...decoder.end());
    expect(out.every((o) => o.ok)).toBe(true);
    const messages = out.flatMap((o) => (o.ok ? [o.message] : []));
    expect(messages).toHaveLength(5);
    expect(new Set(messages.map((m) => m.meterId))).toEqual(new Set([meter.serial]));
    const first = readings(messages[0]!);
    if (messages[0]!.protocol === 'mbus') {
      expect(readings(messages.at(-1)!).heat_energy).toBeGreaterThan(first.heat_energy!);
      return;
    }
    expect(messages.map((m) => m.timestamp)).toEqual([0, 3, 6, 9, 12].map((h) => START + h * 3600));
    const last = readings(messages.at(-1)!);
    expect(last.energy_in).toBeGreaterThan(first.energy_in!);
    expect(last.energy_out).toBeGreaterThan(first.energy_out!);
    // 06:00 local (the first sample) draws from the grid; 11:00 local (the fourth) exports PV.
    expect(first.power_in).toBeGreaterThan(50);
    expect(readings(messages[3]!).power_out).toBeGreaterThan(500);
  });
});
