/**
 * What the UI's web page may do beyond showing itself: nothing. It never navigates away, opens windows, embeds
 * webviews, loads anything but our files, or gets a permission (camera, notifications, Web Serial, ...). A link to one
 * of a few known sites (the project's documentation) opens in the system browser instead.
 */
import type { Session, WebContents } from 'electron';
import { isAppUrl } from './app-origin.ts';

/** Sites the UI links to (help, the profile specification, Home Assistant's docs), https only. */
export const EXTERNAL_HOSTS: ReadonlySet<string> = new Set(['github.com', 'www.home-assistant.io', 'mqtt.org']);

export function isAllowedExternalUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' && !parsed.username && !parsed.password && EXTERNAL_HOSTS.has(parsed.hostname);
}

export type OpenExternal = (url: string) => Promise<void>;

export function guardWebContents(contents: WebContents, openExternal: OpenExternal): void {
  const leave = (url: string) => {
    if (isAllowedExternalUrl(url)) openExternal(url).catch(() => undefined);
  };
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    leave(url);
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
}

/** No permission for anything, and no request leaving the app's own scheme (the CSP's second line of defence). */
export function guardSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !(isAppUrl(details.url) || details.url.startsWith('devtools:')) });
  });
}
