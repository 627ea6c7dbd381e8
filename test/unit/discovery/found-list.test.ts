import { describe, expect, it } from 'vitest';
import { createFoundList } from '../../../shared/discovery/found-list.ts';

const BROKER = 'mqtt://127.0.0.1:1883';

describe('found list', () => {
  it('merges what MQTT, HTTP and mDNS say about one device', () => {
    const list = createFoundList();
    list.addDevice({ mac: 'A0:B7:65:12:34:56', topic: 'gplug', ip: '192.0.2.5' }, 'mqtt', 1, BROKER);
    list.addDevice({ topic: 'gplug', online: true }, 'mqtt', 2, BROKER);
    list.addDevice({ ip: '192.0.2.5', firmware: '14.3.0' }, 'http', 3);
    list.addDevice({ hostname: 'gplug-1', ip: '192.0.2.5' }, 'mdns', 4);
    expect(list.view(new Set()).devices).toEqual([
      {
        key: 'mac:A0:B7:65:12:34:56',
        mac: 'A0:B7:65:12:34:56',
        topic: 'gplug',
        ip: '192.0.2.5',
        online: true,
        firmware: '14.3.0',
        hostname: 'gplug-1',
        broker: BROKER,
        via: ['mqtt', 'http', 'mdns'],
        lastSeen: 4,
        received: false,
      },
    ]);
  });

  it('keeps one Tasmota meter whose serial only the bundle carries, and says whether the bridge reads it', () => {
    const list = createFoundList();
    const stream = { kind: 'tasmota', selector: 'gplug', topic: 'tele/gplug/SENSOR' } as const;
    list.addMeter({ ...stream, meterId: 'LGZ1', fields: ['SMid', 'Pi'] }, BROKER, 1);
    list.addMeter({ ...stream, meterId: 'gplug', fields: ['Pi'] }, BROKER, 2);
    const { meters } = list.view(new Set(['LGZ1']), BROKER);
    expect(meters).toHaveLength(1);
    expect(meters[0]).toMatchObject({
      meterId: 'LGZ1',
      received: true,
      source: { gateway: 'tasmota', topic: 'gplug' },
    });
    expect(meters[0]!.source).not.toHaveProperty('url');
    expect(list.view(new Set(), 'mqtt://other:1883').meters[0]!.source).toMatchObject({ url: BROKER });
  });

  it('refuses new entries once full and counts them, while known ones keep updating', () => {
    const list = createFoundList({ maxDevices: 3, maxMeters: 1 });
    for (let i = 0; i < 10; i++) list.addDevice({ topic: `t${i}` }, 'mqtt', i);
    expect(list.addDevice({ topic: 't0', online: true }, 'mqtt', 20)).toBe(true);
    const devices = list.view(new Set()).devices;
    expect(devices.map((d) => d.topic)).toEqual(['t0', 't1', 't2']);
    expect(devices[0]).toMatchObject({ online: true, lastSeen: 20 });
    const meter = { kind: 'datacollector' as const, selector: 'm', meterId: 'm', topic: 'smartmeter/m/X', fields: [] };
    list.addMeter(meter, BROKER, 1);
    expect(list.addMeter({ ...meter, selector: 'n', meterId: 'n' }, BROKER, 1)).toBe(false);
    expect(list.overflow).toBe(8);
  });

  it('joins two entries once a message shows they are one device', () => {
    const list = createFoundList();
    list.addDevice({ hostname: 'gplug-1', ip: '192.0.2.5' }, 'mdns', 1);
    list.addDevice({ mac: 'A0:B7:65:12:34:56', topic: 'gplug' }, 'mqtt', 2, BROKER);
    expect(list.view(new Set()).devices).toHaveLength(2);
    list.addDevice({ topic: 'gplug', hostname: 'gplug-1', ip: '192.0.2.5' }, 'mqtt', 3, BROKER);
    expect(list.view(new Set()).devices).toEqual([
      expect.objectContaining({
        mac: 'A0:B7:65:12:34:56',
        hostname: 'gplug-1',
        ip: '192.0.2.5',
        via: expect.arrayContaining(['mdns', 'mqtt']),
      }),
    ]);
  });

  it('forgets an old address when a device reports a new one', () => {
    const list = createFoundList({ maxDevices: 2 });
    for (let i = 0; i < 1000; i++) list.addDevice({ topic: 'gplug', ip: `10.0.${i >> 8}.${i & 255}` }, 'mqtt', i);
    expect(list.view(new Set()).devices).toEqual([expect.objectContaining({ topic: 'gplug', ip: '10.0.3.231' })]);
    // The old addresses no longer lead to it: a device now there is another one.
    list.addDevice({ ip: '10.0.0.1', hostname: 'printer' }, 'mdns', 2000);
    expect(list.view(new Set()).devices).toHaveLength(2);
  });

  it('ignores facts without anything to know the device by', () => {
    const list = createFoundList();
    expect(list.addDevice({ firmware: '1' }, 'http', 1)).toBe(false);
    expect(list.view(new Set()).devices).toEqual([]);
  });
});
