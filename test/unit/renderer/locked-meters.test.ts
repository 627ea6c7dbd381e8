/** Which meters the UI asks a key for: those whose frames arrive but fail to decrypt, and nothing else. */
import { describe, expect, it } from 'vitest';
import type { BridgeView, MeterView, SourceView } from '../../../shared/api.ts';
import { lockedMeters } from '../../../renderer/src/keys/locked-meters.ts';

const source = (label: string, lastError?: SourceView['counters']['lastError'], decryptErrors = 3): SourceView => ({
  id: label,
  type: 'serial',
  label,
  state: { state: 'open' },
  counters: { framesOk: 0, crcErrors: 0, decryptErrors, otherErrors: 0, lastError },
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

const decrypt = (meterId?: string) => ({ kind: 'decrypt', message: 'no key for this meter', meterId });

describe('lockedMeters', () => {
  it('names a meter whose last frame failed to decrypt, with its source and the error', () => {
    expect(lockedMeters(bridge([source('serial:/dev/ttyUSB0', decrypt('76543210'), 5)]))).toEqual([
      { meterId: '76543210', source: 'serial:/dev/ttyUSB0', decryptErrors: 5, message: 'no key for this meter' },
    ]);
  });

  it('leaves out a meter that is online (its key works; the error is from before), and errors of other kinds', () => {
    const sources = [
      source('serial:a', decrypt('76543210')),
      source('serial:b', { kind: 'crc', message: 'bad CRC', meterId: '11111111' }),
      source('serial:c', decrypt()), // a DLMS frame names no meter
    ];
    expect(lockedMeters(bridge(sources, [meter('76543210', true)]))).toEqual([]);
  });

  it('asks again for a meter that went offline while its frames fail (a key replaced by a wrong one)', () => {
    const view = bridge([source('serial:a', decrypt('76543210'))], [meter('76543210', false)]);
    expect(lockedMeters(view).map((m) => m.meterId)).toEqual(['76543210']);
  });

  it('lists a meter heard by two sticks once', () => {
    const view = bridge([source('serial:a', decrypt('76543210')), source('serial:b', decrypt('76543210'))]);
    expect(lockedMeters(view)).toHaveLength(1);
  });
});
