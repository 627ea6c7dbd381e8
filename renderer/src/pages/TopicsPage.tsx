/** Every value topic the bridge publishes, with its latest value, like an MQTT explorer limited to the profile; then the integration snippets. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ScrollTable } from '../components/ScrollTable.tsx';
import { useLocale } from '../components/use-locale.ts';
import { formatTime, formatValue } from '../format/format.ts';
import { quantityLabel } from '../format/quantity-label.ts';
import { useBridge } from '../store/use-bridge.ts';
import { IntegrationSnippets } from './IntegrationSnippets.tsx';

export function TopicsPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { bridge } = useBridge();
  const [copied, setCopied] = useState<string>();
  if (!bridge) return null;
  const rows = bridge.meters.flatMap((m) =>
    m.readings.map((r) => ({ ...r, full: `${bridge.baseTopic}/${m.topicId}/${r.topic}` })),
  );
  const copy = (topic: string) => void navigator.clipboard.writeText(topic).then(() => setCopied(topic));
  return (
    <>
      <h1 id="topics-title">{t('topics.title')}</h1>
      <p className="hint">{t('topics.intro')}</p>
      <section className="card">
        {rows.length === 0 ? (
          <p>{t('topics.none')}</p>
        ) : (
          <ScrollTable
            labelledBy="topics-title"
            numeric={[2]}
            headers={[t('topics.topic'), t('meters.quantity'), t('topics.value'), t('topics.time')]}
          >
            {rows.map((r) => (
              <tr key={r.full}>
                <td>
                  <code>{r.full}</code>{' '}
                  <button
                    type="button"
                    className="small"
                    onClick={() => copy(r.full)}
                    aria-label={t('topics.copy', { topic: r.full })}
                  >
                    {copied === r.full ? t('topics.copied') : t('topics.copyButton')}
                  </button>
                </td>
                <td>{quantityLabel(t, r.quantity)}</td>
                <td className="num">{formatValue(locale, r.value, r.unit)}</td>
                <td>{r.timestamp ? formatTime(locale, r.timestamp * 1000) : '–'}</td>
              </tr>
            ))}
          </ScrollTable>
        )}
      </section>
      <IntegrationSnippets bridge={bridge} />
    </>
  );
}
