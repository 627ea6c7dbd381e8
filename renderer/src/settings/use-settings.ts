/** The config as the Settings pages see it (secrets only as "set"), and its changes through the api. */
import { useCallback, useEffect, useState } from 'react';
import type { ConfigChangeResult, SettingsView } from '../../../shared/api.ts';
import { useStore } from '../store/use-bridge.ts';

export type SaveOutcome = { ok: true; path: string; created: boolean } | { ok: false; problems: string[] };

export function useSettings() {
  const store = useStore();
  const [settings, setSettings] = useState<SettingsView>();
  const [loadError, setLoadError] = useState<string>();
  useEffect(() => {
    store.transport.call('getConfig').then(setSettings, (e: Error) => setLoadError(e.message));
  }, [store]);

  /** Runs changes in turn, stopping at the first refused; the last accepted settings are kept. */
  const save = useCallback(
    async (changes: (() => Promise<ConfigChangeResult>)[]): Promise<SaveOutcome> => {
      const wasCreated = settings?.created ?? true;
      let latest = settings;
      try {
        for (const change of changes) {
          const result = await change();
          if (!result.ok) return result;
          latest = result.settings;
          setSettings(latest);
        }
        return { ok: true, path: latest?.path ?? '', created: !wasCreated && latest?.created === true };
      } catch (e) {
        return { ok: false, problems: [(e as Error).message] };
      }
    },
    [settings],
  );
  return { settings, loadError, save, transport: store.transport };
}
