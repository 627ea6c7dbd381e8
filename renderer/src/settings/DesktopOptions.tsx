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
  const toggles: { label: string; checked: boolean; set: (on: boolean) => Partial<DesktopSettings> }[] = [
    { label: 'settings.closeToTray', checked: settings.closeToTray, set: (on) => ({ closeToTray: on }) },
    { label: 'settings.startAtLogin', checked: settings.startAtLogin, set: (on) => ({ startAtLogin: on }) },
    {
      label: 'settings.updateCheck',
      checked: settings.updateCheck === 'on',
      set: (on) => ({ updateCheck: on ? 'on' : 'off' }),
    },
  ];
  return (
    <form className="settings" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="card">
        <legend>{t('settings.desktopLegend')}</legend>
        {toggles.map(({ label, checked, set }) => (
          <label key={label}>
            <input type="checkbox" checked={checked} onChange={(e) => change(set(e.target.checked))} />
            {t(label)}
          </label>
        ))}
        <button type="button" onClick={() => void shell.openLogFolder().catch((e: Error) => setError(e.message))}>
          {t('settings.openLogFolder')}
        </button>
        {error && <p role="alert">{error}</p>}
      </fieldset>
    </form>
  );
}
