/** The example in docs/configuration.md stays a valid configuration, so users can start from it. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../../../electron/core/config/load-config.ts';
import { makeTestCertificates } from '../../integration/mqtt/test-certificates.ts';

it('docs/configuration.md shows a configuration the bridge accepts', () => {
  const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  const yaml = /```yaml\n([^]*?)```/.exec(doc)?.[1];
  expect(yaml).toBeDefined();
  const dir = mkdtempSync(join(tmpdir(), 'smb-doc-'));
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'secrets', 'e450-guek.txt'), '000102030405060708090A0B0C0D0E0F\n');
  // The CA file must be a real certificate: the config is refused at load otherwise.
  mkdirSync(join(dir, 'certs'));
  copyFileSync(makeTestCertificates(mkdtempSync(join(tmpdir(), 'smb-doc-tls-'))).ca, join(dir, 'certs', 'home-ca.pem'));
  writeFileSync(join(dir, 'bridge.yaml'), yaml!);
  const result = loadConfig(join(dir, 'bridge.yaml'), { SMARTMETER_BROKER_PASSWORD: 'secret' });
  expect(result).toMatchObject({ ok: true });
  if (!result.ok) return;
  expect(result.config.sources.map((s) => s.id)).toEqual(['p1', 'mbus', 'tcp3', 'mqtt4']);
  expect(result.config.meters.house ?? result.config.meters.LGZ1030655933512).toMatchObject({ alias: 'house' });
});
