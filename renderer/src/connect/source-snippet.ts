/**
 * The config entry for a probed meter, to paste into the config file until the UI writes it itself. The key stays out
 * of the file: it is read from the environment (docs/configuration.md, secrets by reference).
 */
import type { SerialProbeView } from '../../../shared/api.ts';

export function sourceSnippet(found: SerialProbeView, keyComment: string): string {
  const lines = ['sources:', '  - type: serial', `    port: ${found.path}`];
  if (found.protocol) lines.push(`    protocol: ${found.protocol}`);
  if (found.encrypted) lines.push(`    key: { env: SMARTMETER_KEY }   # ${keyComment}`);
  return lines.join('\n');
}
