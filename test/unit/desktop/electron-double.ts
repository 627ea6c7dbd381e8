/**
 * Electron's main-process and preload modules as far as the shell uses them, for `vi.mock('electron', ...)`: the
 * real binary cannot run here. Each double records what the shell asked of it, so that tests can check behaviour
 * (what a window loads, which handler refuses, which menu item does what) without a display.
 */
import { EventEmitter } from 'node:events';
import type { MenuItemConstructorOptions } from 'electron';

type Handler = (...args: never[]) => unknown;

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined;
  readonly sent: { channel: string; message: unknown }[] = [];
  destroyed = false;
  setWindowOpenHandler(handler: FakeWebContents['windowOpenHandler']): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Fires a cancellable event the way Electron does; true when a listener prevented it. */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class BrowserWindow extends EventEmitter {
  static created: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  visible = false;
  maximized = false;
  bounds = { x: 10, y: 20, width: 1000, height: 700 };
  constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
    super();
    BrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds(): typeof this.bounds {
    return this.bounds;
  }
  /** Fires 'close' as the user's click does; true when the shell kept the window (prevented the close). */
  close(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    return prevented;
  }
}

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  },
};

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoked: [] as { channel: string; payload: unknown }[],
  answer: (_payload: unknown): unknown => undefined,
  invoke(channel: string, payload: unknown): Promise<unknown> {
    ipcRenderer.invoked.push({ channel, payload });
    return Promise.resolve(ipcRenderer.answer(payload));
  },
});

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(name: string, api: unknown): void {
    this.exposed.set(name, api);
  },
};

export const protocol = {
  privileged: [] as unknown[],
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    this.privileged.push(...schemes);
  },
};

export const shell = { openExternal: () => Promise.resolve(), openPath: () => Promise.resolve('') };

export class Tray extends EventEmitter {
  static created: Tray[] = [];
  menu: MenuItemConstructorOptions[] = [];
  tooltip = '';
  destroyed = false;
  constructor(readonly icon: unknown) {
    super();
    Tray.created.push(this);
  }
  setContextMenu(menu: { template: MenuItemConstructorOptions[] }): void {
    this.menu = menu.template;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** Clicks the menu item with this label, as the user does. */
  click(label: string): void {
    const item = this.menu.find((i) => i.label === label);
    if (!item?.click) throw new Error(`no menu item '${label}' in ${this.menu.map((i) => i.label).join(', ')}`);
    (item.click as () => void)();
  }
  item(label: string): MenuItemConstructorOptions | undefined {
    return this.menu.find((i) => i.label === label);
  }
}

export const Menu = {
  buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }),
  setApplicationMenu(): void {},
};

export const nativeImage = { createFromPath: (path: string) => ({ path }) };

/** The app's life cycle as the entry uses it; `paths` and `singleInstance` are set by a test before importing it. */
export const app = Object.assign(new EventEmitter(), {
  paths: {} as Record<string, string>,
  singleInstance: true,
  isPackaged: false,
  quitCalls: 0,
  /** True once a quit went through: nothing prevented 'will-quit'. */
  quitted: false,
  name: 'smartmeter-bridge',
  setName(name: string): void {
    app.name = name;
  },
  getPath(name: string): string {
    const path = app.paths[name];
    if (path === undefined) throw new Error(`no path '${name}' in the test`);
    return path;
  },
  setPath(name: string, path: string): void {
    app.paths[name] = path;
  },
  getVersion: () => '0.0.0-test',
  getLocale: () => 'en-US',
  requestSingleInstanceLock: () => app.singleInstance,
  whenReady: () => Promise.resolve(),
  setLoginItemSettings(): void {},
  getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
  /** As Electron: 'before-quit', then a preventable 'will-quit'. */
  quit(): void {
    app.quitCalls++;
    app.emit('before-quit', { preventDefault() {} });
    let prevented = false;
    app.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) app.quitted = true;
  },
});

function fakeSession() {
  return {
    protocolHandlers: new Map<string, (request: { url: string }) => Promise<Response>>(),
    permissionRequest: undefined as unknown,
    protocol: {
      handle(scheme: string, handler: (request: { url: string }) => Promise<Response>): void {
        defaultSession.protocolHandlers.set(scheme, handler);
      },
    },
    setPermissionRequestHandler(handler: unknown): void {
      defaultSession.permissionRequest = handler;
    },
    setPermissionCheckHandler(): void {},
    setDevicePermissionHandler(): void {},
    webRequest: { onBeforeRequest(): void {} },
  };
}
const defaultSession = fakeSession();
export const session = { defaultSession };

/** A keychain that works: what it seals cannot be read back without it. */
export const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (plain: string) => Buffer.from(`sealed:${Buffer.from(plain).toString('base64')}`),
  decryptString: (sealed: Buffer) => Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'base64').toString(),
};

export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };

export const dialog = {
  errors: [] as string[],
  showErrorBox(title: string, content: string): void {
    dialog.errors.push(`${title}: ${content}`);
  },
};

export default {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeImage,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
};
