/**
 * Serves the built renderer (dist/renderer) under `app://bridge/`: only files inside that folder, read-only, each
 * with the CSP and the other security headers. Anything else (another host, `..`, encoded slashes, a folder) is 4xx.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { protocol, type Session } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';
import { SECURITY_HEADERS } from './content-security-policy.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Before `app.ready`: a standard, secure scheme, so that the page has an origin and counts as a secure context. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveApp(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, (request) => appResponse(request.url, rendererDir));
}

const refuse = (status: number) => new Response(null, { status, headers: SECURITY_HEADERS });

/** The file inside `rendererDir` that `url` names, or undefined for anything that is not a plain path under it. */
function fileFor(url: URL, rendererDir: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (/[\\\0]/.test(path) || path.split('/').includes('..')) return undefined;
  const file = resolve(rendererDir, `.${path === '/' ? '/index.html' : path}`);
  const inside = relative(resolve(rendererDir), file);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? file : undefined;
}

export async function appResponse(requestUrl: string, rendererDir: string): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.host !== APP_HOST) return refuse(404);
  const file = fileFor(url, rendererDir);
  if (file === undefined) return refuse(400);
  try {
    if (!(await stat(file)).isFile()) return refuse(404);
    const body = await readFile(file);
    return new Response(body, {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' },
    });
  } catch {
    return refuse(404);
  }
}
