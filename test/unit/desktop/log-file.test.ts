import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redact, rotatingLogFile } from '../../../electron/main/log-file.ts';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'logs-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the log file', () => {
  it('appends lines, rotates at the size limit and keeps only the newest files', async () => {
    const write = rotatingLogFile(join(dir, 'logs'), { maxBytes: 100, keep: 2 });
    for (let i = 0; i < 20; i++) write(`line ${String(i).padStart(2, '0')} ${'x'.repeat(30)}`);
    expect((await readdir(join(dir, 'logs'))).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    const newest = await readFile(join(dir, 'logs', 'main.log'), 'utf8');
    expect(newest).toMatch(/line 19/);
    expect(Buffer.byteLength(newest)).toBeLessThanOrEqual(100);
    expect(await readFile(join(dir, 'logs', 'main.2.log'), 'utf8')).not.toMatch(/line 0[0-9] /);
  });

  it('never throws, even where it cannot write', async () => {
    await writeFile(join(dir, 'a-file'), '');
    const write = rotatingLogFile(join(dir, 'a-file', 'logs'));
    expect(() => write('still running')).not.toThrow();
  });
});

describe('redaction', () => {
  it('blanks keys and passwords quoted in messages', () => {
    expect(redact('decrypt failed with key=000102030405060708090A0B0C0D0E0F')).toBe('decrypt failed with key=***');
    expect(redact('config {"password":"hunter2","host":"h"}')).toBe('config {"password":"***","host":"h"}');
    expect(redact('connecting to mqtts://bridge:s3cret@broker.lan:8883')).toBe(
      'connecting to mqtts://bridge:***@broker.lan:8883',
    );
    expect(redact('key 5C3161625F4F4D2A5C3161625F4F4D2A refused')).toBe('key *** refused');
  });

  it('leaves ordinary lines alone (meter ids, OBIS codes, topics)', () => {
    const line = 'meter 35012345 1-0:1.8.0 6226327 Wh → smartmeter/35012345/energy/energy_in';
    expect(redact(line)).toBe(line);
  });
});
