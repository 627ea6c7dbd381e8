/**
 * The desktop app's own options, below the broker settings and only in the app (`window.smartmeterDesktop`, from its
 * preload): keep running in the tray when the window closes, start at login, and the consent to look for updates
 * (nothing is asked on the network before it is given). Each applies when changed; the shell answers with its state.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { desktopShell, type DesktopSettings, type DesktopState } from '../api/ipc-transport.ts';

export function DesktopOptions() {
  const { t } = useTranslation();
  const shell = desktopShell();
  const [state, setState] = useState<DesktopState>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    shell?.state().then(setState, (e: Error) => setError(e.message));
  }, [shell]);
  if (!shell || !state) return null;
  // Shown as changed at once (a check box follows the click), then as the shell kept it; back as it was if refused.
  const change = (settings: Partial<DesktopSettings>) => {
    const before = state;
    setError(undefined);
    setState({ ...state, settings: { ...state.settings, ...settings } });
    shell.setSettings(settings).then(setState, (e: Error) => {
      setState(before);
      setError(e.message);
    });
  };
  const { settings } = state;
  return (
    <form className="settings" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="card">
        <legend>{t('settings.desktopLegend')}</legend>
        <label>
          <input
            type="checkbox"
            checked={settings.closeToTray}
            onChange={(e) => change({ closeToTray: e.target.checked })}
          />
          {t('settings.closeToTray')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.startAtLogin}
            onChange={(e) => change({ startAtLogin: e.target.checked })}
          />
          {t('settings.startAtLogin')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.updateCheck === 'on'}
            onChange={(e) => change({ updateCheck: e.target.checked ? 'on' : 'off' })}
          />
          {t('settings.updateCheck')}
        </label>
        <button type="button" onClick={() => void shell.openLogFolder().catch((e: Error) => setError(e.message))}>
          {t('settings.openLogFolder')}
        </button>
        {error && <p role="alert">{error}</p>}
      </fieldset>
    </form>
  );
}
