/** Serial ports on this machine (adapters first, each with Connect) and the configured sources with their counters. */
import { useTranslation } from 'react-i18next';
import { SerialPorts } from '../connect/SerialPorts.tsx';
import { SourceForm } from '../connect/SourceForm.tsx';
import { ScrollTable } from '../components/ScrollTable.tsx';
import { errorCount, SourceStateText } from '../components/SourceState.tsx';
import { useLocale } from '../components/use-locale.ts';
import { formatNumber, formatTime } from '../format/format.ts';
import { useBridge } from '../store/use-bridge.ts';
import { DiscoveryPanel } from './DiscoveryPanel.tsx';

export function DevicesPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { bridge } = useBridge();
  return (
    <>
      <h1>{t('devices.title')}</h1>
      <SerialPorts />
      <SourceForm />
      <DiscoveryPanel />
      <section className="card" aria-labelledby="sources-title">
        <h2 id="sources-title">{t('devices.sources')}</h2>
        {bridge && bridge.sources.length === 0 && <p>{t('devices.sourcesNone')}</p>}
        {bridge && bridge.sources.length > 0 && (
          <ScrollTable
            labelledBy="sources-title"
            numeric={[3, 4]}
            headers={[
              t('meters.source'),
              t('devices.type'),
              t('devices.state'),
              t('devices.frames'),
              t('devices.errors'),
              t('devices.lastSeen'),
            ]}
          >
            {bridge.sources.map((s) => (
              <tr key={s.id}>
                <td>
                  <code>{s.label}</code>
                </td>
                <td>{s.type}</td>
                <td>
                  <SourceStateText source={s} />
                </td>
                <td className="num">{formatNumber(locale, s.counters.framesOk)}</td>
                <td className="num">{formatNumber(locale, errorCount(s))}</td>
                <td>{s.counters.lastSeen ? formatTime(locale, s.counters.lastSeen * 1000) : t('devices.never')}</td>
              </tr>
            ))}
          </ScrollTable>
        )}
      </section>
    </>
  );
}
