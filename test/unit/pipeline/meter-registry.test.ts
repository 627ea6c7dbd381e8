import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadMeterRegistry,
  MAX_REGISTERED_METERS,
  MeterRegistryWriter,
  REGISTRY_FILE,
} from '../../../electron/core/pipeline/meter-registry.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'smb-registry-'));
  dirs.push(d);
  return d;
}

describe('the registry of known meters', () => {
  it('round-trips, leaves no temporary file, and keeps the latest of quick successive saves', async () => {
    const d = join(dir(), 'not-yet-created');
    const errors: string[] = [];
    const writer = new MeterRegistryWriter(d, (e) => errors.push(e));
    writer.save([{ meterId: 'a', topicId: 'a', firstSeen: 1 }]);
    writer.save([
      { meterId: 'a', topicId: 'a', firstSeen: 1 },
      { meterId: 'b/c', topicId: 'b_c-12345678', firstSeen: 2 },
    ]);
    await writer.flush();
    expect(errors).toEqual([]);
    expect(readdirSync(d)).toEqual([REGISTRY_FILE]);
    expect((await loadMeterRegistry(d)).meters.map((m) => m.meterId)).toEqual(['a', 'b/c']);
  });

  it('keeps a DLMS meter’s system title, so a key saved under its meter ID decrypts it after a restart', async () => {
    const d = dir();
    const writer = new MeterRegistryWriter(d, () => undefined);
    const meter = { meterId: '35012345', topicId: 'house', firstSeen: 1, systemTitle: '4C475A6773175D39' };
    writer.save([meter, { meterId: 'a', topicId: 'a', firstSeen: 2 }]);
    await writer.flush();
    expect((await loadMeterRegistry(d)).meters).toEqual([meter, { meterId: 'a', topicId: 'a', firstSeen: 2 }]);
  });

  it('starts empty, never failing, when the file is missing, broken or not a registry', async () => {
    const d = dir();
    expect(await loadMeterRegistry(d)).toEqual({ meters: [] });
    writeFileSync(join(d, REGISTRY_FILE), '{"version":1,"meters":[{"meterId":');
    expect(await loadMeterRegistry(d)).toMatchObject({ meters: [], problem: expect.stringMatching(/not JSON/) });
    writeFileSync(join(d, REGISTRY_FILE), '{"version":1,"meters":[{"meterId":5}]}');
    expect(await loadMeterRegistry(d)).toMatchObject({ meters: [], problem: expect.stringMatching(/not a meter/) });
  });

  it('keeps a bounded number of meters, forgetting the earliest seen', async () => {
    const d = dir();
    const writer = new MeterRegistryWriter(d, () => undefined);
    const many = Array.from({ length: MAX_REGISTERED_METERS + 5 }, (_, i) => ({
      meterId: `m${i}`,
      topicId: `m${i}`,
      firstSeen: i,
    }));
    writer.save(many);
    await writer.flush();
    const { meters } = JSON.parse(readFileSync(join(d, REGISTRY_FILE), 'utf8')) as { meters: { meterId: string }[] };
    expect(meters).toHaveLength(MAX_REGISTERED_METERS);
    expect(meters[0]!.meterId).toBe('m5');
  });

  it('reports a directory it cannot write, without throwing', async () => {
    const file = join(dir(), 'a-file');
    writeFileSync(file, '');
    const errors: string[] = [];
    const writer = new MeterRegistryWriter(join(file, 'sub'), (e) => errors.push(e));
    writer.save([{ meterId: 'a', topicId: 'a', firstSeen: 1 }]);
    await writer.flush();
    expect(errors).toEqual([expect.stringMatching(/cannot save the meter registry/)]);
  });
});
