/**
 * The api's settings methods (getConfig, patchConfig, setSecret, deleteSecret, testBrokerConnection, addSource) over
 * a ConfigEditor: the same for `serve` and the desktop app. No secret value is ever part of an answer.
 */
import type { ConfigChangeResult } from '../../shared/api.ts';
import type { ChangeResult, ConfigEditor } from '../core/config/config-editor.ts';
import type { ResolvedConfig } from '../core/config/load-config.ts';
import { testBrokerConnection } from '../core/config/test-broker-connection.ts';
import type { SecretStore } from '../core/secrets/secret-store.ts';
import type { ApiHandlers } from './api-answer.ts';

type SettingsMethod = 'getConfig' | 'patchConfig' | 'setSecret' | 'deleteSecret' | 'testBrokerConnection' | 'addSource';

export function settingsHandlers(
  editor: ConfigEditor,
  store: SecretStore,
  loaded: ResolvedConfig,
): Pick<ApiHandlers, SettingsMethod> {
  let current = loaded;
  const view = () => ({ ...editor.view(), protection: store.protection() });
  const answer = (result: ChangeResult): ConfigChangeResult => {
    if (!result.ok) return result;
    current = result.config;
    return { ok: true, settings: view() };
  };
  return {
    getConfig: () => view(),
    patchConfig: async ({ patch, secrets }) => answer(await editor.patch(patch, secrets)),
    setSecret: async ({ path, value }) => answer(await editor.setSecret(path, value)),
    deleteSecret: async ({ path }) => answer(await editor.deleteSecret(path)),
    addSource: async ({ source, key, authKey }) => answer(await editor.addSource(source, { key, authKey })),
    testBrokerConnection: (params) => {
      // The page never holds the stored password: testing the configured broker without one uses it.
      const stored = params.url === current.broker.url ? current.broker : undefined;
      return testBrokerConnection({
        ...params,
        username: params.username ?? stored?.username,
        password: params.password ?? stored?.password,
      });
    },
  };
}
