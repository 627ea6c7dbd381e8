import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNewer, newerRelease, releaseFeed } from '../../../electron/main/update-check.ts';

describe('the release feed', () => {
  it('is read from the app-update.yml electron-builder writes for GitHub releases', () => {
    const yml = 'owner: smartmeter-bridge\nrepo: smartmeter-bridge\nprovider: github\nupdaterCacheDirName: x\n';
    expect(releaseFeed(yml)).toMatchObject({
      provider: 'github',
      owner: 'smartmeter-bridge',
      repo: 'smartmeter-bridge',
    });
    expect(releaseFeed('provider: generic\nurl: https://example.org/')).toBeUndefined();
    expect(releaseFeed(': : :')).toBeUndefined();
  });
});

describe('a newer version', () => {
  it('is a later major, minor or patch release, with or without a v', () => {
    expect(isNewer('v0.2.0', '0.1.9')).toBe(true);
    expect(isNewer('1.0.0', '0.9.12')).toBe(true);
    expect(isNewer('0.1.10', '0.1.9')).toBe(true);
    expect(isNewer('v0.1.9', '0.1.9')).toBe(false);
    expect(isNewer('0.1.8', '0.1.9')).toBe(false);
  });

  it('is never a pre-release', () => {
    expect(isNewer('v0.3.0-beta.1', '0.2.0')).toBe(false);
  });
});

describe('asking the releases', () => {
  let server: Server;
  let base: string;
  let latest: { status: number; body: unknown };
  const paths: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(latest.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(latest.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const feed = { provider: 'github' as const, owner: 'o', repo: 'r' };

  it('offers the release page of a newer version', async () => {
    latest = { status: 200, body: { tag_name: 'v0.2.0', html_url: 'https://github.com/o/r/releases/tag/v0.2.0' } };
    expect(await newerRelease(feed, '0.1.0', base)).toEqual({
      version: '0.2.0',
      url: 'https://github.com/o/r/releases/tag/v0.2.0',
    });
    expect(paths.at(-1)).toBe('/repos/o/r/releases/latest');
  });

  it('offers nothing for the same version, and fails on an answer it cannot trust', async () => {
    latest = { status: 200, body: { tag_name: 'v0.1.0', html_url: 'https://github.com/o/r/releases/tag/v0.1.0' } };
    expect(await newerRelease(feed, '0.1.0', base)).toBeUndefined();
    latest = { status: 200, body: { tag_name: 'v9.0.0', html_url: 'javascript:alert(1)' } };
    await expect(newerRelease(feed, '0.1.0', base)).rejects.toThrow();
    latest = { status: 403, body: { message: 'rate limited' } };
    await expect(newerRelease(feed, '0.1.0', base)).rejects.toThrow(/403/);
  });
});
