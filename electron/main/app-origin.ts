/**
 * The one origin the UI is loaded from: `app://bridge/`, served from the packaged renderer files (app-protocol.ts).
 * A standard, secure custom scheme gives the page a real origin (so CSP 'self' means "our files" and nothing else)
 * without opening `file://` to the whole disk.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bridge';
export const APP_ENTRY = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** True for URLs of our own pages. (WHATWG URL gives custom schemes the opaque origin `null`: compare the parts.) */
export function isAppUrl(url: string | undefined): boolean {
  if (url === undefined || !URL.canParse(url)) return false;
  const parsed = new URL(url);
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username && !parsed.password;
}
