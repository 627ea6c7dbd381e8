/**
 * The desktop app's own settings (the bridge's are in its config file): whether closing the window keeps the bridge
 * running in the tray, start at login, and whether the app may look for updates. Kept as JSON in the user data
 * folder; a damaged file or a field from a newer version falls back to the default for that field.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const settingsSchema = z.object({
  /** Unset: on once a meter is configured (an app that translates nothing has no reason to stay). */
  closeToTray: z.boolean().optional().catch(undefined),
  startAtLogin: z.boolean().default(false).catch(false),
  /** No network call for updates until the user said yes. */
  updateCheck: z.enum(['ask', 'on', 'off']).default('ask').catch('ask'),
});
export type DesktopSettingsValues = z.infer<typeof settingsSchema>;

export class DesktopSettings {
  private values: DesktopSettingsValues;

  constructor(private readonly file: string) {
    let saved: unknown;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      saved = {};
    }
    const parsed = settingsSchema.safeParse(saved);
    this.values = parsed.success ? parsed.data : settingsSchema.parse({});
  }

  get(): Readonly<DesktopSettingsValues> {
    return this.values;
  }

  /** Changes and saves; a folder that cannot be written keeps the change for this run. */
  update(change: Partial<DesktopSettingsValues>): Readonly<DesktopSettingsValues> {
    this.values = settingsSchema.parse({ ...this.values, ...change });
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, `${JSON.stringify(this.values, null, 2)}\n`);
    } catch {
      // Nothing more to do: the setting holds until the app quits.
    }
    return this.values;
  }

  closeToTray(meterConfigured: boolean): boolean {
    return this.values.closeToTray ?? meterConfigured;
  }
}
