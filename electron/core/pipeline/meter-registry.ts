/**
 * The meters the bridge has published, kept on disk (`meters.json` in the data dir), so that after a crash and a
 * restart without a meter its retained status can be set `offline` instead of staying `online` forever. Written whole,
 * atomically (a temporary file renamed over the old one), and only when the set of meters changes: never per message.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { KnownMeter } from './meter-publications.ts';
import { makeDirs } from '../fs/make-dirs.ts';

export const REGISTRY_FILE = 'meters.json';
/** Meters kept at most; the earliest seen are forgotten first. */
export const MAX_REGISTERED_METERS = 2000;

const registrySchema = z.object({
  version: z.literal(1),
  meters: z.array(
    z.object({ meterId: z.string(), topicId: z.string(), firstSeen: z.number(), systemTitle: z.string().optional() }),
  ),
});

/** The meters of earlier runs, and why the file could not be used (it is then ignored, never fatal). */
export async function loadMeterRegistry(dir: string): Promise<{ meters: KnownMeter[]; problem?: string }> {
  const path = join(dir, REGISTRY_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { meters: [] } : { meters: [], problem: `cannot read ${path}: ${(e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { meters: [], problem: `${path} is not JSON; it will be written anew` };
  }
  const parsed = registrySchema.safeParse(json);
  if (!parsed.success) return { meters: [], problem: `${path} is not a meter registry; it will be written anew` };
  return { meters: parsed.data.meters };
}

/** Saves the latest list given; saves asked for while one is running are folded into one more. */
export class MeterRegistryWriter {
  private latest: KnownMeter[] | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly onError: (message: string) => void,
  ) {}

  save(meters: readonly KnownMeter[]): void {
    this.latest = [...meters].sort((a, b) => a.firstSeen - b.firstSeen).slice(-MAX_REGISTERED_METERS);
    this.running ??= this.drain();
  }

  /** Resolves once everything asked for is on disk (or failed and was reported). */
  async flush(): Promise<void> {
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.latest) {
      const meters = this.latest;
      this.latest = undefined;
      try {
        await this.write(meters);
      } catch (e) {
        this.onError(`cannot save the meter registry in ${this.dir}: ${(e as Error).message}`);
      }
    }
    this.running = undefined;
  }

  private async write(meters: KnownMeter[]): Promise<void> {
    makeDirs(this.dir);
    const path = join(this.dir, REGISTRY_FILE);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ version: 1, meters })}\n`);
    await rename(temporary, path);
  }
}
