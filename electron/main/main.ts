/**
 * The desktop app's entry: one instance, one window, a tray, and the same BridgeService as `serve` running in this
 * main process. Everything that decides something lives in the modules it wires; this file only connects them to
 * Electron's life cycle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, ipcMain, Menu, nativeImage, screen, session, shell, type BrowserWindow } from 'electron';
import { packageRoot, rendererDir } from '../core/build-info.ts';
import { ConfigEditor } from '../core/config/config-editor.ts';
import { loadConfig, type ResolvedConfig } from '../core/config/load-config.ts';
import { makeDirs } from '../core/fs/make-dirs.ts';
import { SECRETS_FILE } from '../core/secrets/file-secret-store.ts';
import { bridgeDiscovery } from '../core/discovery/bridge-discovery.ts';
import { BridgeService } from '../core/service/bridge-service.ts';
import { createLogger, LogRing } from '../core/service/logger.ts';
import { settingsHandlers } from '../server/settings-methods.ts';
import { registerAppScheme, serveApp } from './app-protocol.ts';
import { DesktopBridge } from './desktop-bridge.ts';
import { DesktopSettings } from './desktop-settings.ts';
import { serveDesktopOverIpc } from './desktop-ipc.ts';
import { serveApiOverIpc } from './ipc-api.ts';
import { rotatingLogFile } from './log-file.ts';
import { createMainWindow } from './main-window.ts';
import { keychainProtection, SafeStorageSecretStore } from './safe-storage-secret-store.ts';
import { createTray, hideOnClose } from './tray.ts';
import { trayLabels } from './tray-labels.ts';
import { newerRelease, releaseFeed, type Release } from './update-check.ts';
import { guardSession, isAllowedExternalUrl } from './web-guards.ts';
import { loadWindowState } from './window-state.ts';

const APP_NAME = 'Smartmeter Bridge';
/** Beyond the queue's shutdown flush: stopping the sources, disconnecting, writing the rest to disk. */
const STOP_GRACE_MS = 5000;
/** The argument the login item starts the app with (Windows; macOS tells by itself). */
const STARTED_AT_LOGIN = '--started-at-login';
const here = dirname(fileURLToPath(import.meta.url));

// Named for people, not after the npm package, in development and installed alike: the user data and log folders,
// and the keychain entry of safeStorage ("Smartmeter Bridge Safe Storage"), all follow the app's name.
app.setName(APP_NAME);
app.setPath('userData', join(app.getPath('appData'), APP_NAME));
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

function start(): void {
  const userData = app.getPath('userData');
  const logs = app.getPath('logs');
  const recent = new LogRing();
  const log = createLogger(rotatingLogFile(logs), 'info', 'text', recent);
  process.on('unhandledRejection', (reason) => log.error(`internal error (please report it): ${String(reason)}`));
  log.info(`${APP_NAME} ${app.getVersion()} starting; settings and secrets in ${userData}`);

  makeDirs(userData);
  if (keychainProtection() === 'weak') {
    log.warn('no system keyring (safeStorage uses basic_text): secrets are only obscured; see docs/desktop.md');
  }
  const secretsFile = join(userData, SECRETS_FILE);
  let secrets: SafeStorageSecretStore | undefined;
  try {
    secrets = new SafeStorageSecretStore(secretsFile);
  } catch (e) {
    // Never overwritten: the app runs without the stored secrets (and without settings) until the file is fixed.
    dialog.showErrorBox(`${APP_NAME}: the stored secrets cannot be read`, (e as Error).message);
  }

  const configFile = join(userData, 'bridge.yaml');
  const loaded = loadConfig(existsSync(configFile) ? configFile : undefined, process.env, secrets?.lookup);
  if (!loaded.ok) {
    dialog.showErrorBox(
      `${APP_NAME}: the configuration has problems`,
      `${configFile}\n\n${loaded.problems.join('\n')}`,
    );
  }
  /** The config running now: the one loaded, then each change made from the UI. */
  let config: ResolvedConfig | undefined = loaded.ok ? loaded.config : undefined;
  const meterConfigured = () => (config?.sources.length ?? 0) > 0;
  const settings = new DesktopSettings(join(userData, 'desktop-settings.json'));

  const bridge = new DesktopBridge(
    () => {
      if (!config) throw new Error('the configuration has problems');
      return new BridgeService({ config, dataDir: join(userData, 'data'), version: app.getVersion(), log });
    },
    (service) => config && bridgeDiscovery(service, config),
    recent,
  );
  // The UI's settings, as `serve` offers them: changes validated, applied live, written to bridge.yaml (comments
  // kept); meter keys and passwords to the keychain-sealed secrets file, never into the config.
  if (loaded.ok && secrets) {
    const editor = new ConfigEditor({
      path: configFile,
      dataDir: userData,
      secrets,
      // Set first, so that a start (resume) queued behind this change gets it; undone if it could not be applied.
      apply: async (next) => {
        const previous = config;
        config = next;
        await bridge.reconfigure(next).catch((e: unknown) => {
          config = previous;
          throw e;
        });
      },
    });
    bridge.offerSettings(settingsHandlers(editor, secrets, loaded.config));
  }
  let paused = false;
  const run = () => bridge.start().catch((e: Error) => log.error(`cannot start: ${e.message}`));
  const openLogFolder = () => void shell.openPath(logs);

  // The page gets nothing but our files, no permissions, and the api over IPC.
  guardSession(session.defaultSession);
  serveApp(session.defaultSession, rendererDir());
  Menu.setApplicationMenu(
    process.platform === 'darwin'
      ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }])
      : null,
  );

  let window: BrowserWindow | undefined;
  let quitting = false;
  serveApiOverIpc({ ipcMain, backend: bridge, window: () => window?.webContents, log });

  const showWindow = () => {
    if (window && !window.isDestroyed()) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      return;
    }
    const stateFile = join(userData, 'window-state.json');
    window = createMainWindow({
      preload: join(here, '..', 'preload', 'preload.cjs'),
      state: loadWindowState(
        stateFile,
        screen.getAllDisplays().map((d) => d.workArea),
      ),
      stateFile,
      openExternal: (url) => shell.openExternal(url),
      devTools: !app.isPackaged,
    });
    hideOnClose(
      window,
      () => settings.closeToTray(meterConfigured()),
      () => quitting,
    );
    window.on('closed', () => (window = undefined));
  };

  const trayIcon = app.isPackaged
    ? join(process.resourcesPath, 'tray', 'tray.png')
    : join(packageRoot(), 'build', 'tray', 'tray.png');
  let update: Release | undefined;
  const tray = createTray(
    nativeImage.createFromPath(trayIcon),
    {
      open: showWindow,
      paused: () => paused,
      setPaused: (pause) => {
        paused = pause;
        log.info(pause ? 'publishing paused from the tray' : 'publishing resumed from the tray');
        void (pause ? bridge.stop() : run());
      },
      keepRunningWhenClosed: () => settings.closeToTray(meterConfigured()),
      setKeepRunningWhenClosed: (on) => settings.update({ closeToTray: on }),
      openLogFolder,
      quit: () => app.quit(),
      update: () => update,
      openUpdate: () => void (update && isAllowedExternalUrl(update.url) && shell.openExternal(update.url)),
    },
    trayLabels(app.getLocale()),
  );

  // Updates: nothing is asked before the user agreed; then at start and once a day. Installed builds only: the feed
  // comes from the publish config electron-builder packs.
  const checkForUpdate = () => {
    if (!app.isPackaged || settings.get().updateCheck !== 'on') return;
    const feedFile = join(process.resourcesPath, 'app-update.yml');
    const feed = existsSync(feedFile) ? releaseFeed(readFileSync(feedFile, 'utf8')) : undefined;
    if (!feed) return log.warn(`update check: no GitHub release feed in ${feedFile}`);
    newerRelease(feed, app.getVersion()).then(
      (found) => {
        update = found;
        if (found) log.info(`update check: ${found.version} is available (${found.url})`);
        tray.refresh();
      },
      (e: Error) => log.warn(`update check failed: ${e.message}`),
    );
  };
  setInterval(checkForUpdate, 24 * 3600_000).unref();

  const applyLoginItem = () => {
    // Electron has no login items on Linux: the docs say how to use the desktop's autostart.
    if (process.platform === 'linux') return;
    app.setLoginItemSettings({ openAtLogin: settings.get().startAtLogin, args: [STARTED_AT_LOGIN] });
  };
  serveDesktopOverIpc({
    ipcMain,
    window: () => window?.webContents,
    log,
    actions: {
      state: () => ({
        secretProtection: keychainProtection(),
        paused,
        settings: { ...settings.get(), closeToTray: settings.closeToTray(meterConfigured()) },
      }),
      openLogFolder,
      setSettings: (change) => {
        settings.update(change);
        applyLoginItem();
        if (change.updateCheck === 'on') checkForUpdate();
        tray.refresh();
      },
    },
  });

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => (quitting = true));
  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    // Stopped as `serve` stops: meters and bridge reported offline, queued messages kept on disk.
    event.preventDefault();
    tray.destroy();
    // Bounded like `serve`: the configured flush time and a grace, then the app ends with the rest on disk.
    const boundMs = (config?.queue.shutdownFlushMs ?? 0) + STOP_GRACE_MS;
    const timeUp = new Promise((resolve) => setTimeout(resolve, boundMs).unref());
    void Promise.race([bridge.stop(), timeUp]).finally(() => ((stopped = true), app.quit()));
  });

  applyLoginItem();
  checkForUpdate();
  void run();
  // Started with the session (Windows: our login argument; macOS: the login item), a configured bridge goes to the
  // tray without a window; otherwise, or with nothing to translate yet, the window opens.
  const atLogin =
    process.argv.includes(STARTED_AT_LOGIN) ||
    (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
  if (!(atLogin && meterConfigured())) showWindow();
}
