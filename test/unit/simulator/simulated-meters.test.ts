/** Every simulated meter decodes with our own decoders into plausible, rising values: demos show what users see. */
import { describe, expect, it } from 'vitest';
import { harmonize } from '../../../shared/profile/index.ts';
import { createDecoder } from '../../../shared/protocols/decode.ts';
import { type DecodedMessage, type DecodeOutput, isMbusMessage } from '../../../shared/protocols/types.ts';
import { Household, SIMULATED_METERS } from '../../../shared/simulator/index.ts';
import { createGatewayReader, type GatewayOutput } from '../../../shared/sources/index.ts';

const key = Uint8Array.from({ length: 16 }, (_, i) => i);
const authKey = Uint8Array.from({ length: 16 }, (_, i) => 0xd0 + i);
const START = Date.UTC(2026, 5, 15, 4, 0, 0) / 1000;

function readings(message: DecodedMessage): Record<string, number> {
  return Object.fromEntries(harmonize(message).map((r) => [r.quantity, r.value]));
}

describe.each(Object.keys(SIMULATED_METERS))('simulated %s', (model) => {
  const meter = SIMULATED_METERS[model]!({ key, authKey });

  // No zone configured, whatever the machine's zone: a clock without offset is read in the zone of the meter family,
  // which must be the zone the simulator writes.
  it('decodes (auto-detected) to its serial, the true reading times, and counters that rise over a day', () => {
    if (meter.kind !== 'wire') return;
    const household = new Household(START, 5);
    const decoder = createDecoder(meter.protocol ?? 'auto', { key, authKey });
    const out: DecodeOutput[] = [];
    for (let hour = 0; hour <= 12; hour += 3)
      out.push(...decoder.push(meter.render(household.at(START + hour * 3600), hour)));
    out.push(...decoder.end());
    expect(out.every((o) => o.ok)).toBe(true);
    const messages = out.flatMap((o) => (o.ok ? [o.message] : []));
    expect(messages).toHaveLength(5);
    expect(new Set(messages.map((m) => m.meterId))).toEqual(new Set([meter.serial]));
    const first = readings(messages[0]!);
    if (isMbusMessage(messages[0]!)) {
      expect(readings(messages.at(-1)!).heat_energy).toBeGreaterThan(first.heat_energy!);
      return;
    }
    // IEC 62056-21 readouts carry no clock the decoder reads: the bridge stamps them when they arrive.
    const times = meter.protocol === 'iec62056-21' ? [] : [0, 3, 6, 9, 12].map((h) => START + h * 3600);
    expect(messages.flatMap((m) => m.timestamp ?? [])).toEqual(times);
    const last = readings(messages.at(-1)!);
    expect(last.energy_in).toBeGreaterThan(first.energy_in!);
    expect(last.energy_out).toBeGreaterThan(first.energy_out!);
    // 06:00 local (the first sample) draws from the grid; 11:00 local (the fourth) exports PV.
    expect(first.power_in).toBeGreaterThan(50);
    expect(readings(messages[3]!).power_out).toBeGreaterThan(500);
  });

  it('publishes what the gateway reader turns into the same profile readings, at the true reading times', () => {
    if (meter.kind !== 'mqtt') return;
    const household = new Household(START, 5);
    const reader = createGatewayReader([{ kind: 'tasmota' }, { kind: 'datacollector' }], { baseTopic: 'smartmeter' });
    const outputs: GatewayOutput[] = [];
    for (const hour of [0, 6]) {
      for (const m of meter.render(household.at(START + hour * 3600), hour)) {
        outputs.push(...(reader.read(m.topic, new TextEncoder().encode(m.payload), hour * 3600)?.outputs ?? []));
      }
    }
    outputs.push(...reader.flushAll());
    const messages = outputs.flatMap((o) => (o.ok ? [o.message] : []));
    expect(outputs.filter((o) => !o.ok)).toEqual([]);
    expect(messages).toHaveLength(2);
    expect(messages.map((m) => m.meterId)).toEqual([meter.serial, meter.serial]);
    expect(messages.map((m) => m.timestamp)).toEqual([0, 6].map((h) => START + h * 3600));
    const [night, morning] = messages.map(readings) as [Record<string, number>, Record<string, number>];
    expect(night.power_in).toBeGreaterThan(50);
    expect(morning.energy_in).toBeGreaterThan(night.energy_in!);
    expect(morning.power_out).toBeGreaterThan(500);
  });
});
