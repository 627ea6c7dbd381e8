/** What a config change restarts (reconfigure-plan.ts), from the two configs alone. */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { validateConfig, type ResolvedConfig } from '../../../electron/core/config/load-config.ts';
import { planReconfigure } from '../../../electron/core/service/reconfigure-plan.ts';

const KEY = '00112233445566778899AABBCCDDEEFF';
const source = { type: 'tcp', id: 'e450', host: '127.0.0.1', port: 2001 };

function config(input: Record<string, unknown>): ResolvedConfig {
  const result = validateConfig({ sources: [source], ...input }, tmpdir());
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
}

describe('the reconfigure plan', () => {
  it('a key set for a meter restarts the decoding sources, not the topics nor the output', () => {
    const plan = planReconfigure(config({}), config({ meters: { '35012345': { key: KEY } } }));
    expect(plan).toMatchObject({ outputChanged: false, topicsChanged: false, historyChanged: false });
    expect(plan.stopsSource('e450')).toBe(true);
  });

  it('an alias moves the topics', () => {
    const plan = planReconfigure(config({}), config({ meters: { '35012345': { alias: 'house' } } }));
    expect(plan).toMatchObject({ outputChanged: false, topicsChanged: true });
  });

  it('history settings change only the history', () => {
    const plan = planReconfigure(config({}), config({ history: { rawDays: 1 } }));
    expect(plan).toMatchObject({ outputChanged: false, topicsChanged: false, historyChanged: true });
    expect(plan.stopsSource('e450')).toBe(false);
  });
});
