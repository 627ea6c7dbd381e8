/** The log view's ring: what the logger wrote at or above its level, the latest lines only. */
import { describe, expect, it } from 'vitest';
import { createLogger, LogRing } from '../../../electron/core/service/logger.ts';

describe('LogRing', () => {
  it('keeps the lines the logger wrote, with their level, and only the last `capacity` of them', () => {
    const ring = new LogRing(3);
    const written: string[] = [];
    const log = createLogger((line) => written.push(line), 'info', 'text', ring);
    log.debug('not at this level');
    log.info('one');
    log.warn('two');
    log.error('three');
    log.info('four');
    expect(ring.recent().map((e) => [e.level, e.message])).toEqual([
      ['warn', 'two'],
      ['error', 'three'],
      ['info', 'four'],
    ]);
    expect(written).toHaveLength(4);
    expect(written[3]).toContain(ring.recent()[2]!.time);
  });
});
