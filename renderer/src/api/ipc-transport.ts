/**
 * The api over Electron IPC: the functions the desktop app's preload puts into the page as `window.smartmeterBridge`
 * (electron/preload/preload.ts). IPC does not drop like a socket, so the connection is open from the start; the first
 * view is asked for, where the WebSocket server pushes one on connect.
 */
import type { ApiArgs, ApiEvent, ApiMethod, ApiResult } from '../../../shared/api.ts';
import type { ApiTransport } from './transport.ts';

/** What the preload exposes: one function per method of the contract, and its events (electron/preload/preload.ts). */
export type DesktopApi = { [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiResult<M>> } & {
  onEvent(listener: (event: ApiEvent) => void): () => void;
};

/**
 * The desktop app's own functions beside the api (`window.smartmeterDesktop`), for its settings page: how safely
 * secrets are kept (Linux without a keyring: `weak`, say so and point to the headless service), the log folder, and
 * the settings of the shell itself.
 */
export interface DesktopShell {
  state(): Promise<DesktopState>;
  openLogFolder(): Promise<void>;
  setSettings(change: Partial<DesktopSettings>): Promise<DesktopState>;
}

export interface DesktopSettings {
  /** Closing the window keeps the bridge running in the tray. */
  closeToTray: boolean;
  /** Windows and macOS only. */
  startAtLogin: boolean;
  /** No network call for updates before the user said yes. */
  updateCheck: 'ask' | 'on' | 'off';
}

export interface DesktopState {
  /** `os`: the system keychain; `weak`: Electron's basic_text on Linux, only obscured; `file`: a 0600 file. */
  secretProtection: 'os' | 'file' | 'weak';
  paused: boolean;
  settings: DesktopSettings;
}

/** The preload's api when the page runs in the desktop app; undefined in a browser. */
export function desktopApi(): DesktopApi | undefined {
  return (globalThis as { smartmeterBridge?: DesktopApi }).smartmeterBridge;
}

/** The desktop app's own functions when the page runs in it; undefined in a browser. */
export function desktopShell(): DesktopShell | undefined {
  return (globalThis as { smartmeterDesktop?: DesktopShell }).smartmeterDesktop;
}

export function ipcTransport(api: DesktopApi): ApiTransport {
  const listeners = new Set<(event: ApiEvent) => void>();
  let pushed = false;
  let closed = false;
  const emit = (event: ApiEvent) => listeners.forEach((l) => l(event));
  const stop = api.onEvent((event) => {
    if (event.event === 'bridge') pushed = true;
    emit(event);
  });
  // A push that came first is newer than this answer; a bridge not running yet pushes when it starts.
  api.getBridge().then(
    (data) => void (!pushed && !closed && emit({ event: 'bridge', data })),
    () => undefined,
  );
  return {
    call<M extends ApiMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>> {
      if (closed) return Promise.reject(new Error('not connected to the bridge'));
      const fn = api[method] as ((...a: ApiArgs<M>) => Promise<ApiResult<M>>) | undefined;
      // A preload older than this page lacks newer methods: a refused call, never a crash of the page.
      if (typeof fn !== 'function') return Promise.reject(new Error(`${method} is not offered by this app`));
      return fn(...args);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      listener('open');
      return () => undefined;
    },
    close() {
      closed = true;
      stop();
      listeners.clear();
    },
  };
}
