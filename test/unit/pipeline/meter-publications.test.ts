import { describe, expect, it } from 'vitest';
import {
  BRIDGE_INFO_INTERVAL,
  BRIDGE_INFO_MAX_METERS,
  MeterPublications,
  type PublicationSettings,
} from '../../../electron/core/pipeline/meter-publications.ts';
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
  it('announces a new meter once: info, online, discovery, then values and the state bundle', () => {
    const p = new MeterPublications(settings);
    const first = p.forMessage(message(1.5), ctx(1000));
    expect(topics(first).slice(0, 3)).toEqual([
      'smartmeter/E0026000000012345/info',
      'smartmeter/E0026000000012345/status',
      'homeassistant/device/smartmeter_E0026000000012345/config',
    ]);
    expect(topics(first).slice(3).sort()).toEqual([
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

  it('publishes under the alias when the user gave one, keeping the Home Assistant identity of the meter', () => {
    const p = new MeterPublications(settings);
    const out = p.forMessage(message(1), ctx(1000, 'house'));
    expect(topics(out)).toContain('smartmeter/house/power/power_in');
    const discovery = out.find((m) => m.topic.startsWith('homeassistant/'))!;
    expect(discovery.topic).toBe('homeassistant/device/smartmeter_E0026000000012345/config');
    const payload = JSON.parse(discovery.payload as string);
    expect(payload.dev).toMatchObject({ name: 'house', sn: 'E0026000000012345' });
    expect(payload.cmps.power_in).toMatchObject({
      unique_id: 'smartmeter_E0026000000012345_power_in',
      state_topic: 'smartmeter/house/power/power_in',
    });
  });

  it('never lets a total summed from tariffs go down when a message carries only some of them', () => {
    const p = new MeterPublications(settings);
    const both = [
      { obis: '1-0:1.8.1', value: 1000.001, unit: 'kWh' },
      { obis: '1-0:1.8.2', value: 2000, unit: 'kWh' },
    ];
    const total = (out: { topic: string; payload: string | Uint8Array }[]) =>
      out.find((m) => m.topic.endsWith('/energy/energy_in'));
    const gplug = (values: ObisMessage['values']): ObisMessage => ({
      protocol: 'mqtt',
      meterId: 'gplug',
      values,
      info: { transport: 'tasmota' },
    });
    expect(JSON.parse(total(p.forMessage(gplug(both), ctx(1000)))!.payload as string).value).toBe(3000001);
    const partial = p.forMessage(gplug([both[0]!]), ctx(1001)); // an immediate message with Ei1 alone
    expect(total(partial)).toBeUndefined();
    expect(topics(partial)).toContain('smartmeter/gplug/energy/energy_in_t1');
    expect(JSON.parse(partial.find((m) => m.topic.endsWith('/state'))!.payload as string)).not.toHaveProperty(
      'energy_in',
    );
  });

  it('holds back the export total of a datacollector push that brought only T1', () => {
    const p = new MeterPublications(settings);
    const push = (values: ObisMessage['values']): ObisMessage => ({
      protocol: 'mqtt',
      meterId: 'LGZ1',
      timestamp: 1_780_000_000,
      values,
      info: { transport: 'datacollector' },
    });
    const t1 = { obis: '1-0:2.8.1', value: 1_000_001, unit: 'Wh' };
    const t2 = { obis: '1-0:2.8.2', value: 2_000_000, unit: 'Wh' };
    const totalOut = (out: { topic: string }[]) => topics(out).filter((t) => t.endsWith('/energy/energy_out'));
    expect(totalOut(p.forMessage(push([t1, t2]), ctx(1000)))).toHaveLength(1);
    expect(totalOut(p.forMessage(push([t1]), ctx(1005)))).toEqual([]);
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

describe('after a (re)connect and across restarts', () => {
  it('re-publishes every retained per-meter topic as it stands: info, status and discovery', () => {
    const p = new MeterPublications(settings);
    p.forMessage(message(1), ctx(1000));
    p.forMessage({ ...message(2), meterId: 'OTHER' }, { ...ctx(1000), sourceId: 'tcp2' });
    p.sourceLost('tcp2');
    const again = p.retained();
    expect(again.map((m) => [m.topic, m.topic.endsWith('/status') ? m.payload : '…'])).toEqual([
      ['smartmeter/E0026000000012345/info', '…'],
      ['smartmeter/E0026000000012345/status', 'online'],
      ['homeassistant/device/smartmeter_E0026000000012345/config', '…'],
      ['smartmeter/OTHER/info', '…'],
      ['smartmeter/OTHER/status', 'offline'],
      ['homeassistant/device/smartmeter_OTHER/config', '…'],
    ]);
    expect(again.every((m) => m.retain)).toBe(true);
  });

  it('marks the meters of an earlier run offline until they speak, and knows they are not new', () => {
    const p = new MeterPublications(settings);
    p.restore([
      { meterId: 'E0026000000012345', topicId: 'old-alias', firstSeen: 500 },
      { meterId: 'GONE', topicId: 'GONE', firstSeen: 600 },
    ]);
    expect(p.retained().map((m) => [m.topic, m.payload])).toEqual([
      ['smartmeter/old-alias/status', 'offline'],
      ['smartmeter/GONE/status', 'offline'],
    ]);
    const first = p.forMessage(message(1), ctx(1000));
    // The alias changed since: the status under the old topic goes offline, the meter is online under its own.
    expect(first.filter((m) => m.topic.endsWith('/status')).map((m) => [m.topic, m.payload])).toEqual([
      ['smartmeter/old-alias/status', 'offline'],
      ['smartmeter/E0026000000012345/status', 'online'],
    ]);
    expect(p.snapshot()[0]).toMatchObject({ firstSeen: 500, isNew: false });
    p.forMessage({ ...message(1), meterId: 'FRESH' }, ctx(1001));
    expect(p.snapshot()[1]).toMatchObject({ meterId: 'FRESH', firstSeen: 1001, isNew: true });
    p.forMessage({ ...message(1), meterId: 'LISTED' }, { ...ctx(1002), configured: true });
    expect(p.snapshot()[2]).toMatchObject({ meterId: 'LISTED', isNew: false });
    expect(p.knownMeters().map((m) => m.meterId)).toEqual(['E0026000000012345', 'FRESH', 'LISTED', 'GONE']);
  });
});

describe('bridge info', () => {
  it('is sent for new meters at most every few seconds, and lists a bounded number of them', () => {
    const p = new MeterPublications(settings);
    p.bridgeInfo(1000);
    for (let i = 0; i < 500; i++) p.forMessage({ ...message(1), meterId: `M${i}` }, ctx(1000 + i / 100));
    expect(p.bridgeInfoDue(1000 + BRIDGE_INFO_INTERVAL - 1)).toEqual([]);
    const [info] = p.bridgeInfoDue(1000 + BRIDGE_INFO_INTERVAL);
    const payload = JSON.parse(info!.payload as string);
    expect(payload.meters).toHaveLength(BRIDGE_INFO_MAX_METERS);
    expect(payload.meterCount).toBe(500);
    expect(p.bridgeInfoDue(1000 + 3 * BRIDGE_INFO_INTERVAL)).toEqual([]); // nothing new since
    expect(p.meterCount('serial1')).toBe(500);
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

const dlmsMessage: ObisMessage = {
  protocol: 'dlms',
  meterId: '35012345',
  info: { transport: 'mbus', systemTitle: '4C475A6773175D39' },
  values: [{ obis: '1-0:1.7.0', value: 1500, unit: 'W' }],
};
const dlmsCtx = (alias?: string) => ({ sourceId: 'tcp1', sourceLabel: 'tcp:127.0.0.1:2001', receivedAt: 1000, alias });

function heard(changed: Partial<PublicationSettings> = {}, alias?: string): MeterPublications {
  const p = new MeterPublications({ ...settings, ...changed });
  p.forMessage(dlmsMessage, dlmsCtx(alias));
  return p;
}

const cleared = (out: { topic: string; payload: unknown; retain: boolean }[]) => {
  expect(out.every((m) => m.payload === '' && m.retain)).toBe(true);
  return out.map((m) => m.topic).sort();
};

/**
 * Meters handed to publications made for changed settings (moveTo): every retained topic that moves is deleted with
 * an empty retained payload, what stays is left alone, and each meter keeps its record.
 */
describe('moving meters to changed topics', () => {
  it('an alias: the meter’s retained topics under its ID are deleted; discovery and the bridge’s stay', () => {
    const before = heard();
    const after = new MeterPublications(settings);
    const out = before.moveTo(after, (id) => (id === '35012345' ? 'house' : undefined));
    expect(cleared(out)).toEqual(
      ['info', 'power/power_in', 'state', 'status'].map((t) => `smartmeter/35012345/${t}`).sort(),
    );
    // Its first message under the alias sets no status on the old topic again (it was deleted).
    const next = after.forMessage(dlmsMessage, dlmsCtx('house')).map((m) => m.topic);
    expect(next.filter((t) => t.startsWith('smartmeter/35012345/'))).toEqual([]);
    expect(after.knownMeters()).toEqual([
      { meterId: '35012345', topicId: 'house', firstSeen: 1000, systemTitle: '4C475A6773175D39' },
    ]);
  });

  it('the base topic and the discovery prefix: the bridge’s topics and the discovery config move too', () => {
    const before = heard();
    const after = new MeterPublications({
      ...settings,
      baseTopic: 'home',
      homeAssistant: { enabled: true, prefix: 'ha' },
    });
    const out = cleared(before.moveTo(after, () => undefined));
    expect(out).toEqual(
      expect.arrayContaining([
        'smartmeter/bridge/status',
        'smartmeter/bridge/info',
        'smartmeter/35012345/state',
        'homeassistant/device/smartmeter_35012345/config',
      ]),
    );
  });

  it('nothing moved: nothing is deleted', () => {
    expect(heard().moveTo(new MeterPublications(settings), () => undefined)).toEqual([]);
  });
});
