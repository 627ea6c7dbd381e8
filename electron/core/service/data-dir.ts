/** Where the bridge keeps its state (the offline queue) when the config does not say: the platform's usual place. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.SMARTMETER_BRIDGE_DATA) return env.SMARTMETER_BRIDGE_DATA;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Smartmeter Bridge');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Smartmeter Bridge');
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'smartmeter-bridge');
}
