import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double.ts'));
const { FakeWebContents } = await import('./electron-double.ts');
const { guardSession, guardWebContents } = await import('../../../electron/main/web-guards.ts');

function guarded() {
  const contents = new FakeWebContents();
  const openExternal = vi.fn(() => Promise.resolve());
  guardWebContents(contents as unknown as Electron.WebContents, openExternal);
  return { contents, openExternal };
}

describe('navigation and new windows', () => {
  it('never leaves the app: navigation and redirects elsewhere are stopped, nothing is opened for unknown sites', () => {
    const { contents, openExternal } = guarded();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'http://github.com/', 'javascript:alert(1)']) {
      expect(contents.fire('will-navigate', url), url).toBe(true);
      expect(contents.fire('will-redirect', url), url).toBe(true);
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('lets the app reload its own page', () => {
    const { contents } = guarded();
    expect(contents.fire('will-navigate', 'app://bridge/index.html')).toBe(false);
    expect(contents.fire('will-navigate', 'app://other/index.html')).toBe(true);
  });

  it('opens links to the documentation sites in the system browser instead of in the app', () => {
    const { contents, openExternal } = guarded();
    const docs = 'https://github.com/smartmeter-bridge/docs/mqtt-profile.md';
    expect(contents.fire('will-navigate', docs)).toBe(true);
    expect(contents.windowOpenHandler?.({ url: docs })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(2);
    expect(openExternal).toHaveBeenCalledWith(docs);
  });

  it('denies every window.open, and opens no look-alike or credential-carrying URL externally', () => {
    const { contents, openExternal } = guarded();
    for (const url of [
      'https://github.com.evil.example/',
      'https://user:pw@github.com/',
      'ms-settings:privacy',
      'app://bridge/index.html',
      'not a url',
    ]) {
      expect(contents.windowOpenHandler?.({ url }), url).toEqual({ action: 'deny' });
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('refuses to attach a webview', () => {
    expect(guarded().contents.fire('will-attach-webview', {}, {})).toBe(true);
  });
});

describe('the session', () => {
  function fakeSession() {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
      webRequest: { onBeforeRequest: (h: never) => (handlers.beforeRequest = h) },
    };
    guardSession(session as unknown as Electron.Session);
    return handlers as Record<string, (...args: unknown[]) => unknown>;
  }

  it('denies every permission request and check (camera, notifications, serial, ...)', () => {
    const handlers = fakeSession();
    for (const permission of ['media', 'notifications', 'serial', 'geolocation', 'clipboard-read']) {
      const callback = vi.fn();
      handlers.request!({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(handlers.check!({}, permission, 'app://bridge', {})).toBe(false);
    }
    expect(handlers.device!({ deviceType: 'serial' })).toBe(false);
  });

  it('cancels every request that does not go to the app itself', () => {
    const handlers = fakeSession();
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      handlers.beforeRequest!({ url }, (response: { cancel: boolean }) => (cancel = response.cancel));
      return cancel;
    };
    expect(decide('app://bridge/assets/index.js')).toBe(false);
    expect(decide('https://cdn.example/lib.js')).toBe(true);
    expect(decide('file:///home/user/.ssh/id_rsa')).toBe(true);
    expect(decide('ws://127.0.0.1:8099/api')).toBe(true);
  });
});
