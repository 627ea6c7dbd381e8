/** What helps when values do not arrive: the broker connection and publisher counters, and per source its counters and last raw message. */
import { useTranslation } from 'react-i18next';
import type { SourceView } from '../../../shared/api.ts';
import { SourceStateText, StateText } from '../components/SourceState.tsx';
import { useLocale } from '../components/use-locale.ts';
import { formatNumber } from '../format/format.ts';
import { rawForDisplay } from '../format/raw-frame.ts';
import { useBridge } from '../store/use-bridge.ts';
import { DiagnosticsDetails } from './DiagnosticsDetails.tsx';

export function DiagnosticsPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { bridge } = useBridge();
  if (!bridge) return null;
  const { broker, publisher, embeddedBroker } = bridge;
  const counters = ['delivered', 'queued', 'dropped', 'rejected', 'failed'] as const;
  return (
    <>
      <h1>{t('diagnostics.title')}</h1>
      <section className="card" aria-labelledby="broker-title">
        <h2 id="broker-title">{t('diagnostics.broker')}</h2>
        <dl className="facts">
          <dt>{t('diagnostics.status')}</dt>
          <dd>
            <StateText state={broker.status} detail={broker.lastError?.message} />
          </dd>
          <dt>{t('diagnostics.url')}</dt>
          <dd>
            <code>{broker.url}</code>
          </dd>
          {embeddedBroker && (
            <>
              <dt>{t('diagnostics.embedded')}</dt>
              <dd>
                <code>{embeddedBroker.url}</code> · {t('diagnostics.clients', { clients: embeddedBroker.clients })}
              </dd>
            </>
          )}
          {counters.map((c) => (
            <Fact key={c} term={t(`diagnostics.${c}`)} value={formatNumber(locale, publisher[c])} />
          ))}
        </dl>
      </section>
      {bridge.sources.length === 0 && (
        <section className="card">
          <p>{t('diagnostics.noSources')}</p>
        </section>
      )}
      {bridge.sources.map((s) => (
        <SourceDiagnostics key={s.id} source={s} />
      ))}
      <DiagnosticsDetails />
    </>
  );
}

function Fact({ term, value }: { term: string; value: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd className="num">{value}</dd>
    </>
  );
}

function SourceDiagnostics({ source }: { source: SourceView }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const c = source.counters;
  const titleId = `source-${source.id}`;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>
        <code>{source.label}</code>
      </h2>
      <dl className="facts">
        <dt>{t('devices.state')}</dt>
        <dd>
          <SourceStateText source={source} />
        </dd>
        <Fact term={t('diagnostics.framesOk')} value={formatNumber(locale, c.framesOk)} />
        <Fact term={t('diagnostics.crcErrors')} value={formatNumber(locale, c.crcErrors)} />
        <Fact term={t('diagnostics.decryptErrors')} value={formatNumber(locale, c.decryptErrors)} />
        <Fact term={t('diagnostics.otherErrors')} value={formatNumber(locale, c.otherErrors)} />
        {c.lastError && (
          <>
            <dt>{t('diagnostics.lastError')}</dt>
            <dd>
              {c.lastError.kind}: {c.lastError.message}
            </dd>
          </>
        )}
      </dl>
      <h3 id={`${titleId}-raw`}>{t('diagnostics.lastRaw')}</h3>
      {c.lastRaw ? (
        <pre className="raw" tabIndex={0} aria-labelledby={`${titleId}-raw`}>
          {rawForDisplay(c.lastRaw).text}
        </pre>
      ) : (
        <p className="hint">{t('diagnostics.noRaw')}</p>
      )}
    </section>
  );
}
