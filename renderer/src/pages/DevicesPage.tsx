/** Serial ports on this machine (meter adapters first) and the configured sources with their state and counters. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SerialPortView } from '../../../shared/api.ts';
import { ScrollTable } from '../components/ScrollTable.tsx';
import { errorCount, SourceStateText } from '../components/SourceState.tsx';
import { useLocale } from '../components/use-locale.ts';
import { formatNumber, formatTime } from '../format/format.ts';
import { useBridge, useStore } from '../store/use-bridge.ts';

/** Plugging or unplugging an adapter shows within this time. */
const PORT_REFRESH_MS = 3000;

type Ports = { ports: SerialPortView[] } | { error: string } | undefined;

function usePorts(): Ports {
  const { transport } = useStore();
  const { connection } = useBridge();
  const [ports, setPorts] = useState<Ports>();
  useEffect(() => {
    if (connection !== 'open') return;
    let stopped = false;
    const refresh = () =>
      transport.call('listSerialPorts').then(
        (list) =>
          !stopped && setPorts({ ports: [...list].sort((a, b) => +b.likelyMeterAdapter - +a.likelyMeterAdapter) }),
        (e: Error) => !stopped && setPorts({ error: e.message }),
      );
    void refresh();
    const timer = setInterval(refresh, PORT_REFRESH_MS);
    return () => ((stopped = true), clearInterval(timer));
  }, [transport, connection]);
  return ports;
}

export function DevicesPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { bridge } = useBridge();
  const ports = usePorts();
  return (
    <>
      <h1>{t('devices.title')}</h1>
      <section className="card" aria-labelledby="ports-title">
        <h2 id="ports-title">{t('devices.ports')}</h2>
        <p className="hint">{t('devices.portsHint')}</p>
        {ports && 'error' in ports && <p role="alert">{t('devices.portsError', { message: ports.error })}</p>}
        {ports && 'ports' in ports && ports.ports.length === 0 && <p>{t('devices.portsNone')}</p>}
        {ports && 'ports' in ports && ports.ports.length > 0 && (
          <ScrollTable
            labelledBy="ports-title"
            headers={[t('devices.path'), t('devices.device'), t('devices.manufacturer'), t('devices.chip')]}
          >
            {ports.ports.map((p) => (
              <tr key={p.path}>
                <td>
                  <code>{p.path}</code>
                  {p.likelyMeterAdapter && <span className="badge ok">{t('devices.likelyAdapter')}</span>}
                </td>
                <td>
                  <code>{p.device}</code>
                </td>
                <td>{p.manufacturer ?? '–'}</td>
                <td>{p.chip ?? '–'}</td>
              </tr>
            ))}
          </ScrollTable>
        )}
      </section>
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
