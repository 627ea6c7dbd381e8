import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_FILE, openHistory } from '../../../electron/core/history/open-history.ts';
import type { Logger } from '../../../electron/core/service/logger.ts';
import { configSchema } from '../../../shared/config/schema.ts';

let dir: string;
const lines: string[] = [];
const log: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m) => lines.push(`warn: ${m}`),
  error: (m) => lines.push(`error: ${m}`),
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'open-history-'));
  lines.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const defaults = configSchema.parse({}).history;

describe('opening the history', () => {
  it('keeps the bridge running without history when the file is not a database, and says which file', () => {
    writeFileSync(join(dir, HISTORY_FILE), 'not a database, just text that happens to be here\n'.repeat(100));
    expect(openHistory(defaults, dir, log)).toBeUndefined();
    expect(lines.join('\n')).toMatch(/error: history: cannot open .*history\.sqlite.*running without history/);
  });

  it('opens nothing when turned off, and defaults to a week of raw readings', () => {
    expect(defaults).toMatchObject({ enabled: true, rawDays: 7 });
    expect(openHistory({ ...defaults, enabled: false }, dir, log)).toBeUndefined();
    expect(lines).toEqual([]);
  });

  it('skips a reading that is not a finite number instead of storing or throwing', () => {
    const store = openHistory(defaults, dir, log)!;
    const now = Date.now() / 1000;
    store.add('m1', now, [
      { quantity: 'power_in', topic: 'power/power_in', value: Number.NaN, unit: 'W' },
      { quantity: 'power_out', topic: 'power/power_out', value: 5, unit: 'W' },
    ]);
    const found = store.query({ meterId: 'm1', quantities: ['power_in', 'power_out'], from: now - 1, to: now + 1 });
    expect(found.map((s) => [s.quantity, s.value])).toEqual([['power_out', [5]]]);
    store.close();
  });
});
