import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseTopicError, meterTopicId, profileTopics } from '../../../shared/profile/topics.ts';

const SAFE = /^[A-Za-z0-9_-]{1,64}$/;

describe('meterTopicId', () => {
  it('keeps a clean meter ID as it is', () => {
    expect(meterTopicId('1SAG3100721326')).toBe('1SAG3100721326');
    expect(meterTopicId('LGZ-1030655933512_x')).toBe('LGZ-1030655933512_x');
  });

  it('turns hostile IDs into one safe, bounded, stable topic level', () => {
    const hostile = [
      'a/b',
      'a+b',
      '#',
      '+/#',
      '$SYS',
      '$share/x',
      'x\u0000y',
      'x\ny',
      'bridge',
      'BRIDGE',
      'Zähler 1',
      '😀',
      'ISk5\u00022MIE5T',
      'a'.repeat(500),
      'a.b',
    ];
    for (const id of hostile) {
      const topicId = meterTopicId(id);
      expect(topicId, JSON.stringify(id)).toMatch(SAFE);
      expect(meterTopicId(id)).toBe(topicId);
    }
    expect(meterTopicId('$SYS').startsWith('$')).toBe(false);
  });

  it('keeps distinct IDs distinct even when they sanitise alike', () => {
    const ids = ['a/b', 'a+b', 'a_b', 'a#b', 'a b'];
    expect(new Set(ids.map(meterTopicId)).size).toBe(ids.length);
    expect(meterTopicId('a'.repeat(500))).not.toBe(meterTopicId('a'.repeat(501)));
  });

  it('gives any string a safe level, and distinct strings distinct levels', () => {
    const hostileChars = ['a', 'Z', '0', '_', '-', '/', '+', '#', '$', '.', ' ', '\u0000', '\n', 'ä', '😀', '\ud800'];
    const id = fc.array(fc.constantFrom(...hostileChars), { maxLength: 100 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(meterTopicId(a)).toMatch(SAFE);
        if (a.trim() !== b.trim() && a.trim() !== '' && b.trim() !== '')
          expect(meterTopicId(a)).not.toBe(meterTopicId(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('names a meter without ID `unknown` and trims whitespace', () => {
    expect(meterTopicId(undefined)).toBe('unknown');
    expect(meterTopicId('   ')).toBe('unknown');
    expect(meterTopicId(' 12345 ')).toBe('12345');
  });
});

describe('topics', () => {
  it('builds the default tree under `smartmeter`', () => {
    const topics = profileTopics();
    const meter = topics.meter('E0012345');
    expect(meter.value('power/power_in')).toBe('smartmeter/E0012345/power/power_in');
    expect(meter.value('energy/energy_out')).toBe('smartmeter/E0012345/energy/energy_out');
    expect([meter.state, meter.info, meter.status]).toEqual([
      'smartmeter/E0012345/state',
      'smartmeter/E0012345/info',
      'smartmeter/E0012345/status',
    ]);
    expect([topics.bridgeStatus, topics.bridgeInfo]).toEqual(['smartmeter/bridge/status', 'smartmeter/bridge/info']);
  });

  it('takes a configured base topic and sanitises the meter level', () => {
    const meter = profileTopics('home/meters').meter('a/b');
    expect(meter.status).toMatch(/^home\/meters\/a_b-[0-9a-f]{8}\/status$/);
  });

  it('refuses base topics that would break the tree', () => {
    for (const bad of ['', 'a/#', 'a/+/b', '$SYS', '/smartmeter', 'smartmeter/', 'a//b', 'a\u0000', 'x'.repeat(129)]) {
      expect(baseTopicError(bad), JSON.stringify(bad)).toBeTypeOf('string');
      expect(() => profileTopics(bad)).toThrow(TypeError);
    }
    expect(baseTopicError('smartmeter')).toBeUndefined();
    expect(baseTopicError('home/zählerkasten')).toBeUndefined();
  });
});
