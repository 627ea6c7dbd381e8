import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double.ts'));
const { protocol } = await import('./electron-double.ts');
const { appResponse, registerAppScheme } = await import('../../../electron/main/app-protocol.ts');
const { CONTENT_SECURITY_POLICY } = await import('../../../electron/main/content-security-policy.ts');

let root: string;
let ui: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'app-protocol-'));
  ui = join(root, 'renderer');
  await mkdir(join(ui, 'assets'), { recursive: true });
  await writeFile(join(ui, 'index.html'), '<!doctype html><title>Smartmeter Bridge</title>');
  await writeFile(join(ui, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'outside the UI folder');
});
afterAll(() => rm(root, { recursive: true, force: true }));

const policy = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([k, ...v]) => [k, v]),
  );

describe('app:// serves the packaged UI', () => {
  it('serves the page and its scripts with their types and the CSP', async () => {
    const page = await appResponse('app://bridge/index.html', ui);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('Smartmeter Bridge');
    const script = await appResponse('app://bridge/assets/index-abc.js', ui);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await appResponse('app://bridge/', ui)).status).toBe(200);
  });

  it('serves nothing outside the UI folder, however the path is spelled', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const response = await appResponse(`app://bridge${path}`, ui);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(await response.text(), path).not.toContain('outside');
    }
    expect((await appResponse('app://bridge/%E0%A4%A', ui)).status).toBe(400);
  });

  it('answers 404 for another host, a folder or a missing file, still with the CSP', async () => {
    for (const url of ['app://other/index.html', 'app://bridge/assets', 'app://bridge/nope.js']) {
      const response = await appResponse(url, ui);
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('registers app: as a standard, secure scheme (a real origin, a secure context)', () => {
    registerAppScheme();
    expect(protocol.privileged).toContainEqual({
      scheme: 'app',
      privileges: expect.objectContaining({ standard: true, secure: true }),
    });
  });
});

describe('the Content-Security-Policy', () => {
  const csp = policy(CONTENT_SECURITY_POLICY);

  it('runs only the packaged scripts: no inline script, no eval, no remote source', () => {
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('lets the page connect nowhere, embed nothing and be framed by nobody', () => {
    expect(csp.get('connect-src')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });
});
