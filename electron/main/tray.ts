/**
 * The tray icon: the bridge keeps translating while the window is closed, and the tray is how to reach it again,
 * pause publishing, or quit. The menu is rebuilt whenever a state it shows changes.
 */
import { Menu, Tray, type BrowserWindow, type NativeImage } from 'electron';
import { trayLabels, type TrayLabels } from './tray-labels.ts';

export interface TrayActions {
  open(): void;
  paused(): boolean;
  setPaused(paused: boolean): void;
  keepRunningWhenClosed(): boolean;
  setKeepRunningWhenClosed(on: boolean): void;
  openLogFolder(): void;
  quit(): void;
  /** A newer release found by the (consented) update check, if any. */
  update(): { version: string } | undefined;
  openUpdate(): void;
}

export interface AppTray {
  /** Shows the current states (paused, keep running) again. */
  refresh(): void;
  destroy(): void;
}

export function createTray(icon: NativeImage, actions: TrayActions, labels: TrayLabels = trayLabels('en')): AppTray {
  const tray = new Tray(icon);
  tray.setToolTip('Smartmeter Bridge');
  // Windows and most Linux desktops: a click on the icon brings the window back.
  tray.on('click', () => actions.open());
  const refresh = () => {
    tray.setToolTip(actions.paused() ? `Smartmeter Bridge (${labels.paused})` : 'Smartmeter Bridge');
    const update = actions.update();
    tray.setContextMenu(
      Menu.buildFromTemplate([
        ...(update ? [{ label: `${labels.update} ${update.version}`, click: () => actions.openUpdate() }] : []),
        { label: labels.open, click: () => actions.open() },
        { type: 'separator' },
        {
          label: labels.pause,
          type: 'checkbox',
          checked: actions.paused(),
          click: () => (actions.setPaused(!actions.paused()), refresh()),
        },
        {
          label: labels.keepRunning,
          type: 'checkbox',
          checked: actions.keepRunningWhenClosed(),
          click: () => (actions.setKeepRunningWhenClosed(!actions.keepRunningWhenClosed()), refresh()),
        },
        { label: labels.logs, click: () => actions.openLogFolder() },
        { type: 'separator' },
        { label: labels.quit, click: () => actions.quit() },
      ]),
    );
  };
  refresh();
  return { refresh, destroy: () => tray.destroy() };
}

/** Closing the window hides it instead while `keep()` says so, unless the app is quitting (tray Quit, OS logout). */
export function hideOnClose(window: BrowserWindow, keep: () => boolean, quitting: () => boolean): void {
  window.on('close', (event) => {
    if (quitting() || !keep()) return;
    event.preventDefault();
    window.hide();
  });
}
