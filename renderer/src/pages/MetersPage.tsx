/** Each meter at a glance: import and export now, per phase, energy counters and tariffs, and the live power chart. */
import { useTranslation } from 'react-i18next';
import type { MeterView, ReadingView } from '../../../shared/api.ts';
import { useLocale } from '../components/use-locale.ts';
import { formatNumber, formatTime, formatValue } from '../format/format.ts';
import { quantityLabel } from '../format/quantity-label.ts';
import { KeyPrompts } from '../keys/KeyPrompts.tsx';
import { useBridge } from '../store/use-bridge.ts';
import { LiveChart } from './LiveChart.tsx';
import { TodayEnergy } from './TodayEnergy.tsx';

const PHASES = [1, 2, 3] as const;
const PHASE_COLUMNS = [
  { key: 'power_in', label: 'chart.import' },
  { key: 'power_out', label: 'chart.export' },
  { key: 'voltage', label: 'meters.voltage' },
  { key: 'current', label: 'meters.current' },
] as const;
const COUNTER_UNITS = new Set(['Wh', 'varh', 'VAh']);
const NOW = [
  { quantity: 'power_in', label: 'meters.import', kind: 'import' },
  { quantity: 'power_out', label: 'meters.export', kind: 'export' },
] as const;

export function MetersPage() {
  const { t } = useTranslation();
  const { bridge } = useBridge();
  if (!bridge) return null;
  return (
    <>
      <h1>{t('meters.title')}</h1>
      <p className="hint">
        <a href="#/meterSettings">{t('settings.openMeterSettings')}</a>
      </p>
      <KeyPrompts />
      {bridge.meters.length === 0 && (
        <section className="card">
          <p>{t('meters.waiting')}</p>
          <p className="hint">{t('meters.sources', { sources: bridge.sources.map((s) => s.label).join(', ') })}</p>
        </section>
      )}
      {bridge.meters.map((meter) => (
        <Meter key={meter.meterId} meter={meter} />
      ))}
    </>
  );
}

function Meter({ meter }: { meter: MeterView }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const byQuantity = new Map(meter.readings.map((r) => [r.quantity, r]));
  const value = (r: ReadingView | undefined) => (r ? formatValue(locale, r.value, r.unit) : '–');
  const phaseColumns = PHASE_COLUMNS.filter((c) => PHASES.some((n) => byQuantity.has(`${c.key}_l${n}`)));
  const phaseRows = PHASES.filter((n) => phaseColumns.some((c) => byQuantity.has(`${c.key}_l${n}`)));
  const shown = new Set(['power_in', 'power_out', ...phaseColumns.flatMap((c) => PHASES.map((n) => `${c.key}_l${n}`))]);
  const counters = meter.readings.filter((r) => COUNTER_UNITS.has(r.unit));
  const others = meter.readings.filter((r) => !shown.has(r.quantity) && !COUNTER_UNITS.has(r.unit));
  const titleId = `meter-${meter.meterId}`;
  // A water, heat or gas meter has no import or export power: no empty tiles and chart for it.
  const hasPower = NOW.some(({ quantity }) => byQuantity.has(quantity));

  return (
    <section className="card meter" aria-labelledby={titleId}>
      <header className="meter-head">
        <h2 id={titleId}>{meter.info.model ?? meter.info.manufacturer ?? meter.info.protocol.toUpperCase()}</h2>
        <span className={`badge ${meter.online ? 'ok' : 'bad'}`}>
          {meter.online ? t('meters.online') : t('meters.offline')}
        </span>
        <span className="meter-id">{meter.meterId}</span>
      </header>
      <p className="meta">
        {t('meters.protocol', { protocol: meter.info.protocol.toUpperCase() })}
        {meter.info.source && ` · ${t('meters.sourceIs', { source: meter.info.source })}`}
        {' · '}
        {t('meters.lastSeen', { time: formatTime(locale, meter.lastSeen * 1000) })}
        {meter.interval > 0 && ` · ${t('meters.interval', { seconds: formatNumber(locale, meter.interval, 0) })}`}
      </p>

      {hasPower && (
        <div className="tiles">
          {NOW.map(({ quantity, label, kind }) => (
            <div className={`tile ${kind}`} key={quantity}>
              <span className="tile-label">{t(label)}</span>
              <span className="tile-value" data-quantity={quantity}>
                {value(byQuantity.get(quantity))}
              </span>
            </div>
          ))}
        </div>
      )}

      <TodayEnergy meterId={meter.meterId} />

      {hasPower && <LiveChart meterId={meter.meterId} />}

      <div className="columns">
        {phaseRows.length > 0 && (
          <table>
            <caption>{t('meters.phases')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('meters.phase')}</th>
                {phaseColumns.map((c) => (
                  <th scope="col" key={c.key} className="num">
                    {t(c.label)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {phaseRows.map((n) => (
                <tr key={n}>
                  <th scope="row">L{n}</th>
                  {phaseColumns.map((c) => (
                    <td key={c.key} className="num" data-quantity={`${c.key}_l${n}`}>
                      {value(byQuantity.get(`${c.key}_l${n}`))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ReadingTable caption={t('meters.energy')} readings={counters} />
        <ReadingTable caption={t('meters.other')} readings={others} />
      </div>
    </section>
  );
}

function ReadingTable({ caption, readings }: { caption: string; readings: ReadingView[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (readings.length === 0) return null;
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('meters.quantity')}</th>
          <th scope="col" className="num">
            {t('meters.value')}
          </th>
        </tr>
      </thead>
      <tbody>
        {readings.map((r) => (
          <tr key={r.topic}>
            <th scope="row">{quantityLabel(t, r.quantity)}</th>
            <td className="num" data-quantity={r.quantity}>
              {formatValue(locale, r.value, r.unit)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
