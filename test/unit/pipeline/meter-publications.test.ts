import { describe, expect, it } from 'vitest';
import { MeterPublications, type PublicationSettings } from '../../../electron/core/pipeline/meter-publications.ts';
import type { ObisMessage } from '../../../shared/protocols/types.ts';

const settings: PublicationSettings = {
  baseTopic: 'smartmeter',
  homeAssistant: { enabled: true, prefix: 'homeassistant' },
  rlDsp: { enabled: false, group: 'home' },
  offlineAfterMissed: 3,
  version: '0.1.0',
};

function message(powerKw: number, extra: ObisMessage['values'] = []): ObisMessage {
  return {
    protocol: 'dsmr',
    meterId: 'E0026000000012345',
    timestamp: 1_780_000_000,
    info: { manufacturer: 'Kaifa', transport: 'p1' },
    values: [
      { obis: '1-0:1.7.0', value: powerKw, unit: 'kW' },
      { obis: '1-0:1.8.1', value: 1234.5, unit: 'kWh' },
      ...extra,
    ],
  };
}

const ctx = (receivedAt: number, alias?: string) => ({
  sourceId: 'serial1',
  sourceLabel: 'serial:/dev/ttyUSB0',
  receivedAt,
  alias,
});
const topics = (out: { topic: string }[]) => out.map((m) => m.topic);

describe('what the bridge publishes for a meter', () => {
  it('announces a new meter once: bridge info, info, online, discovery, then values and the state bundle', () => {
    const p = new MeterPublications(settings);
    const first = p.forMessage(message(1.5), ctx(1000));
    expect(topics(first).slice(0, 4)).toEqual([
      'smartmeter/bridge/info',
      'smartmeter/E0026000000012345/info',
      'smartmeter/E0026000000012345/status',
      'homeassistant/device/smartmeter_E0026000000012345/config',
    ]);
    expect(topics(first).slice(4).sort()).toEqual([
      'smartmeter/E0026000000012345/energy/energy_in',
      'smartmeter/E0026000000012345/energy/energy_in_t1',
      'smartmeter/E0026000000012345/power/power_in',
      'smartmeter/E0026000000012345/state',
    ]);
    expect(topics(first).at(-1)).toBe('smartmeter/E0026000000012345/state');
    const power = first.find((m) => m.topic.endsWith('power/power_in'))!;
    expect(JSON.parse(power.payload as string)).toEqual({
      timestamp: 1_780_000_000,
      value: 1500,
      unit: 'W',
      obis: '1-0:1.7.0',
    });
    expect(power).toMatchObject({ qos: 1, retain: true });
    const second = p.forMessage(message(1.6), ctx(1010));
    expect(topics(second)).not.toContain('smartmeter/E0026000000012345/info');
    expect(topics(second)).not.toContain('homeassistant/device/smartmeter_E0026000000012345/config');
  });

  it('re-announces discovery when a meter shows a quantity it had not sent before', () => {
    const p = new MeterPublications(settings);
    p.forMessage(message(1.5), ctx(1000));
    const more = p.forMessage(message(1.5, [{ obis: '1-0:32.7.0', value: 231, unit: 'V' }]), ctx(1010));
    const discovery = more.find((m) => m.topic.startsWith('homeassistant/'))!;
    expect(Object.keys(JSON.parse(discovery.payload as string).cmps)).toEqual(
      expect.arrayContaining(['power_in', 'voltage_l1']),
    );
  });

  it('publishes under the alias when the user gave one', () => {
    const p = new MeterPublications(settings);
    expect(topics(p.forMessage(message(1), ctx(1000, 'house')))).toContain('smartmeter/house/power/power_in');
  });

  it('marks a meter offline after three missed intervals, and online again with its next message', () => {
    const p = new MeterPublications(settings);
    for (const t of [1000, 1010, 1020]) p.forMessage(message(1), ctx(t));
    expect(p.expire(1040)).toEqual([]);
    expect(p.expire(1051)).toEqual([
      expect.objectContaining({ topic: 'smartmeter/E0026000000012345/status', payload: 'offline' }),
    ]);
    expect(p.expire(1100)).toEqual([]);
    expect(topics(p.forMessage(message(1), ctx(1200)))).toContain('smartmeter/E0026000000012345/status');
    expect(p.snapshot()[0]).toMatchObject({ online: true, topicId: 'E0026000000012345' });
  });

  it('adds the RL-DSP bundle when enabled', () => {
    const p = new MeterPublications({ ...settings, rlDsp: { enabled: true, group: 'home' } });
    const rl = p.forMessage(message(1.5), ctx(1000)).find((m) => m.topic.startsWith('dt/'))!;
    expect(rl.topic).toBe('dt/home/E0026000000012345/ds');
    expect(JSON.parse(rl.payload as string).meter).toMatchObject({ '1.7.0': 1500 });
  });
});

describe('a source whose input closes', () => {
  it('takes its meters offline at once, and only its own', () => {
    const p = new MeterPublications(settings);
    p.forMessage(message(1), ctx(1000));
    p.forMessage({ ...message(2), meterId: 'OTHER' }, { ...ctx(1000), sourceId: 'tcp2' });
    expect(p.sourceLost('serial1')).toEqual([
      expect.objectContaining({ topic: 'smartmeter/E0026000000012345/status', payload: 'offline' }),
    ]);
    expect(p.sourceLost('serial1')).toEqual([]);
    expect(p.snapshot().map((m) => [m.meterId, m.online])).toEqual([
      ['E0026000000012345', false],
      ['OTHER', true],
    ]);
  });
});
