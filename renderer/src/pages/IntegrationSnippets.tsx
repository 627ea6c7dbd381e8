/** Ready snippets for Home Assistant, openHAB, Node-RED, Telegraf and Grafana, made from the live meters. */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeView } from '../../../shared/api.ts';
import { integrationSnippets } from '../../../shared/integrations/index.ts';
import { DEFAULT_DISCOVERY_PREFIX } from '../../../shared/profile/home-assistant.ts';
import { useStore } from '../store/use-bridge.ts';

/** The discovery prefix when Home Assistant discovery is on; the default until the config arrived (or if it cannot). */
function useDiscoveryPrefix(): string | undefined {
  const store = useStore();
  const [prefix, setPrefix] = useState<string | undefined>(DEFAULT_DISCOVERY_PREFIX);
  useEffect(() => {
    store.transport.call('getConfig').then(
      ({ config }) => setPrefix(config.profile.homeAssistant.enabled ? config.profile.homeAssistant.prefix : undefined),
      () => undefined,
    );
  }, [store]);
  return prefix;
}

export function IntegrationSnippets({ bridge }: { bridge: BridgeView }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<string>();
  const haPrefix = useDiscoveryPrefix();
  const snippets = useMemo(
    () =>
      integrationSnippets({
        baseTopic: bridge.baseTopic,
        brokerUrl: bridge.embeddedBroker?.url ?? bridge.broker.url,
        haPrefix,
        meters: bridge.meters,
      }),
    // Only the meters' topics and quantities change a snippet, not every new value.
    [bridge.baseTopic, bridge.broker.url, bridge.embeddedBroker?.url, haPrefix, snippetKey(bridge)],
  );
  const copy = (id: string, text: string) => void navigator.clipboard.writeText(text).then(() => setCopied(id));
  return (
    <section className="card" aria-labelledby="integrations-title">
      <h2 id="integrations-title">{t('integrations.title')}</h2>
      <p className="hint">{t('integrations.intro')}</p>
      {snippets.map((s) => (
        <details key={s.id} className="snippet">
          <summary>
            {t(`integrations.${s.id}`)} <code>{s.fileName}</code>
          </summary>
          <p>{t(`integrations.${s.id}-how`)}</p>
          <button
            type="button"
            className="small"
            onClick={() => copy(s.id, s.text)}
            aria-label={t('integrations.copy', { file: s.fileName })}
          >
            {t('topics.copyButton')}
          </button>{' '}
          {/* Beside the button, not in it: its name must keep containing its visible text. */}
          <span role="status">{copied === s.id ? t('topics.copied') : ''}</span>
          <pre className="raw" tabIndex={0} aria-label={s.fileName} data-snippet={s.id}>
            {s.text}
          </pre>
        </details>
      ))}
    </section>
  );
}

function snippetKey(bridge: BridgeView): string {
  return bridge.meters.map((m) => `${m.meterId}=${m.topicId}:${m.readings.map((r) => r.topic).join(',')}`).join(';');
}
