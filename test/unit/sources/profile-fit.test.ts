/** What a user sees in the end: each gateway's output, through the one harmonizer, as profile readings. */
import { describe, expect, it } from 'vitest';
import { harmonize, type Reading } from '../../../shared/profile/harmonize.ts';
import { QUANTITIES } from '../../../shared/profile/quantities.ts';
import type { ObisMessage } from '../../../shared/protocols/types.ts';
import { createGatewayReader } from '../../../shared/sources/index.ts';
import { RL_DSP_REGISTERS } from '../../../shared/sources/rl-dsp.ts';
import { bytes, datacollectorValue, GPLUG_BUNDLE_KW, GPLUG_BUNDLE_W, RL_DSP_BUNDLE } from './payloads.ts';

const reader = createGatewayReader(
  [{ kind: 'tasmota', timeZone: 'Europe/Zurich' }, { kind: 'datacollector' }, { kind: 'rl-dsp' }],
  { baseTopic: 'smartmeter' },
);

function messageOf(topic: string, payload: string): ObisMessage {
  const output = reader.read(topic, bytes(payload), 0)?.outputs[0];
  if (!output?.ok) throw new Error(`expected a message, got ${JSON.stringify(output)}`);
  return output.message;
}

const byQuantity = (readings: Reading[]) =>
  Object.fromEntries(readings.map((r) => [r.quantity, `${r.value} ${r.unit}`]));

describe('gateway messages through the harmonizer', () => {
  it('a newer gPlug (kW) and an older one (W) give the same profile values', () => {
    const newer = byQuantity(harmonize(messageOf('tele/gplug/SENSOR', GPLUG_BUNDLE_KW)));
    const older = byQuantity(harmonize(messageOf('tele/gplug/SENSOR', GPLUG_BUNDLE_W)));
    for (const quantity of ['power_in', 'power_in_l1', 'power_in_l2', 'power_out', 'energy_in_t1', 'energy_in']) {
      expect([quantity, newer[quantity]]).toEqual([quantity, older[quantity]]);
    }
    expect(newer).toMatchObject({
      power_in: '412 W',
      power_in_l3: '92 W',
      energy_in: '12345678 Wh',
      energy_out_t2: '21250 Wh',
      voltage_l2: '230.9 V',
      current_l1: '0.52 A',
      reactive_energy_q1: '100500 varh',
      reactive_energy_q4: '50750 varh',
    });
  });

  it('a datacollector reading gives profile values, reactive power in var', () => {
    reader.read('smartmeter/m1/ACTIVE_POWER_P', bytes(datacollectorValue(412, 100)), 0);
    reader.read('smartmeter/m1/REACTIVE_POWER_P', bytes(datacollectorValue(35, 100)), 0);
    reader.read('smartmeter/m1/ACTIVE_ENERGY_P_T1', bytes(datacollectorValue(8000500, 100)), 0);
    const [output] = reader.flushAll();
    if (!output?.ok) throw new Error('expected a reading');
    expect(byQuantity(harmonize(output.message))).toEqual({
      power_in: '412 W',
      energy_in: '8000500 Wh',
      energy_in_t1: '8000500 Wh',
      reactive_power_in: '35 var',
    });
  });

  it('an RL-DSP bundle gives profile values', () => {
    expect(byQuantity(harmonize(messageOf('dt/home/E1/ds', RL_DSP_BUNDLE)))).toMatchObject({
      power_in: '412 W',
      energy_in: '12345678 Wh',
      voltage_l1: '231.2 V',
    });
  });

  it('the RL-DSP key table is the profile table: same keys, base units the profile units', () => {
    const profile = QUANTITIES.filter((q) => q.medium === 'electricity' && q.obis).map((q) => [q.obis![0], q.unit]);
    expect(RL_DSP_REGISTERS.map((r) => [r.key, r.baseUnit]).sort()).toEqual(profile.sort());
  });
});
