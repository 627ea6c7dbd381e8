/** Which meters the UI asks a key for: those whose frames arrive but fail to decrypt, and nothing else. */
import { describe, expect, it } from 'vitest';
import type { BridgeView, MeterView, SourceView } from '../../../shared/api.ts';
import { lockedMeters } from '../../../renderer/src/keys/locked-meters.ts';

type Locked = NonNullable<SourceView['counters']['lockedMeters']>;
const source = (label: string, lockedMeters?: Locked): SourceView => ({
  id: label,
  type: 'serial',
  label,
  state: { state: 'open' },
  counters: { framesOk: 0, crcErrors: 1, decryptErrors: 9, otherErrors: 0, lockedMeters },
});

const meter = (meterId: string, online: boolean): MeterView => ({
  meterId,
  topicId: meterId,
  online,
  firstSeen: 0,
  isNew: false,
  lastSeen: 0,
  interval: 10,
  readings: [],
  info: { protocol: 'wmbus' },
});

const bridge = (sources: SourceView[], meters: MeterView[] = []): BridgeView => ({
  version: '0',
  baseTopic: 'smartmeter',
  broker: { status: 'connected', url: 'mqtt://127.0.0.1' },
  publisher: { delivered: 0, queued: 0, dropped: 0, rejected: 0, failed: 0 },
  sources,
  meters,
});

const locked = (meterId: string, errors = 3): Locked[number] => ({ meterId, errors, message: 'no key for this meter' });

describe('lockedMeters', () => {
  it('names every meter whose frames fail to decrypt, with its source, its own error count and the error', () => {
    expect(
      lockedMeters(bridge([source('serial:/dev/ttyUSB0', [locked('76543210', 5), locked('12345678', 1)])])),
    ).toEqual([
      { meterId: '76543210', source: 'serial:/dev/ttyUSB0', decryptErrors: 5, message: 'no key for this meter' },
      { meterId: '12345678', source: 'serial:/dev/ttyUSB0', decryptErrors: 1, message: 'no key for this meter' },
    ]);
  });

  it('leaves out a meter that is online (its key works; the errors are from before), and sources without any', () => {
    const sources = [source('serial:a', [locked('76543210')]), source('serial:b')];
    expect(lockedMeters(bridge(sources, [meter('76543210', true)]))).toEqual([]);
  });

  it('asks again for a meter that went offline while its frames fail (a key replaced by a wrong one)', () => {
    const view = bridge([source('serial:a', [locked('76543210')])], [meter('76543210', false)]);
    expect(lockedMeters(view).map((m) => m.meterId)).toEqual(['76543210']);
  });

  it('lists a meter heard by two sticks once', () => {
    const view = bridge([source('serial:a', [locked('76543210')]), source('serial:b', [locked('76543210')])]);
    expect(lockedMeters(view)).toHaveLength(1);
  });
});
