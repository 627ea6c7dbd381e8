/**
 * getDiagnostics against the real `serve`: the running config (after a change from the UI too) with no secret in
 * it, the log lines serve wrote, and its version.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticsView } from '../../../shared/diagnostics.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { startServe, type ServeProcess } from '../../helpers/serve-process.ts';
import { until } from '../../helpers/wait.ts';
import { connectApi, type ApiClient } from './api-client.ts';

const KEY = 'FEDCBA9876543210FEDCBA9876543210';
let serve: ServeProcess;
let api: ApiClient;

beforeAll(async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'smb-diag-'));
  serve = startServe(dir, {
    ui: { port },
    embeddedBroker: { port: await freePort() },
    // A source that never connects is enough: its key must not show, and it has no frames yet.
    sources: [{ type: 'tcp', id: 'p1', host: '127.0.0.1', port: await freePort(), key: KEY }],
  });
  await until(() => serve.stderr().includes('UI and api on') || serve.child.exitCode !== null, 'serve started', 60_000);
  api = await connectApi(port);
}, 90_000);

afterAll(async () => {
  api?.close();
  await serve?.stop();
});

describe('getDiagnostics', () => {
  it('has versions, the log serve wrote, each source, and the config without its key', async () => {
    const answer = await api.call('getDiagnostics');
    expect(answer.ok).toBe(true);
    const view = (answer as { result: DiagnosticsView }).result;
    expect(view.versions.node).toBe(process.versions.node);
    expect(view.logs.some((l) => l.message.includes('UI and api on'))).toBe(true);
    expect(view.sources).toEqual([{ id: 'p1', label: expect.stringMatching(/^tcp:127\.0\.0\.1:/), frames: [] }]);
    expect(view.config).toMatchObject({ sources: [{ id: 'p1', key: '***' }] });
    expect(JSON.stringify(view).toLowerCase()).not.toContain(KEY.toLowerCase());
  });

  it('shows the config as it runs after a change from the UI', async () => {
    const patched = await api.call('patchConfig', { patch: { profile: { baseTopic: 'house/meters' } } });
    expect(patched).toMatchObject({ ok: true });
    const view = ((await api.call('getDiagnostics')) as { result: DiagnosticsView }).result;
    expect(view.config).toMatchObject({ profile: { baseTopic: 'house/meters' } });
  });
});
