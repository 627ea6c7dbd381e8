/** The desktop app answers getDiagnostics like serve: from the running service and the lines its logger kept. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../electron/core/config/load-config.ts';
import { BridgeService } from '../../../electron/core/service/bridge-service.ts';
import { createLogger, LogRing } from '../../../electron/core/service/logger.ts';
import { DesktopBridge } from '../../../electron/main/desktop-bridge.ts';
import { freePort } from '../../helpers/mosquitto.ts';

const KEY = '00112233445566778899AABBCCDDEEFF';
let bridge: DesktopBridge | undefined;

afterAll(async () => {
  await bridge?.stop();
});

describe('DesktopBridge getDiagnostics', () => {
  it('is refused while paused, and once running carries the app log and the config without its key', async () => {
    const config = validateConfig(
      {
        embeddedBroker: { port: await freePort() },
        sources: [{ type: 'tcp', id: 'p1', host: '127.0.0.1', port: await freePort(), key: KEY }],
      },
      tmpdir(),
    );
    if (!config.ok) throw new Error(config.problems.join('; '));
    const recent = new LogRing();
    const log = createLogger(() => {}, 'info', 'text', recent);
    log.info('desktop starting');
    const dataDir = mkdtempSync(join(tmpdir(), 'smb-desktop-diag-'));
    bridge = new DesktopBridge(
      () => new BridgeService({ config: config.config, dataDir, version: '9.9.9', log }),
      () => undefined,
      recent,
    );
    expect(bridge.handlers.getDiagnostics).toBeUndefined();
    await bridge.start();
    const view = await bridge.handlers.getDiagnostics!(undefined);
    expect(view.versions.bridge).toBe('9.9.9');
    expect(view.logs.map((l) => l.message)).toContain('desktop starting');
    expect(view.sources.map((s) => s.id)).toEqual(['p1']);
    expect(JSON.stringify(view)).not.toContain(KEY);
  });
});
