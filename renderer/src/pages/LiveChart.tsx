/**
 * Import and export power over a chosen range: since the page opened (live samples only), or 5 min to 30 days from
 * the bridge's history, bucketed by the core to the chart's pixel width, with the live samples since appended.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { minMaxBuckets, type Point } from '../chart/downsample.ts';
import { historyPoints, RANGES, withLive, type RangeKey } from '../chart/history-ranges.ts';
import { saveText } from '../chart/save-text.ts';
import { useLocale } from '../components/use-locale.ts';
import { formatTime, formatValue } from '../format/format.ts';
import { useBridgeSelect, useStore } from '../store/use-bridge.ts';

const LINES = [
  { key: 'import', quantity: 'power_in', label: 'chart.import', color: '#2f7ed8' },
  { key: 'export', quantity: 'power_out', label: 'chart.export', color: '#2e9e5b' },
] as const;

/** About two points per pixel column of a wide chart. */
const BUCKETS = 400;

type Lines = { import: Point[]; export: Point[] };
type Loaded = { range: RangeKey; fromMs: number; lines: Lines };

/** Renders only when a power sample arrived, not on every pushed view (counters change more often). */
export const LiveChart = memo(function LiveChart({ meterId, quantities }: { meterId: string; quantities: string[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const powerRevision = useBridgeSelect((s) => s.powerRevision);
  const store = useStore();
  const [range, setRange] = useState<RangeKey>('live');
  const [loaded, setLoaded] = useState<Loaded>();
  const [problem, setProblem] = useState<string>();
  const box = useRef<HTMLDivElement>(null);
  const seconds = RANGES.find((r) => r.key === range)!.seconds;

  useEffect(() => {
    if (!seconds) return;
    let current = true;
    const to = Date.now() / 1000;
    const points = Math.max(100, Math.round(box.current?.clientWidth ?? 800));
    const query = { meterId, quantities: ['power_in', 'power_out'], from: to - seconds, to: to + 1, points };
    store.transport.call('getHistory', query).then(
      (series) => {
        if (!current) return;
        const of = (q: string) => historyPoints(series.find((s) => s.quantity === q));
        setLoaded({ range, fromMs: query.from * 1000, lines: { import: of('power_in'), export: of('power_out') } });
        setProblem(undefined);
      },
      (e: Error) => current && setProblem(e.message),
    );
    return () => {
      current = false;
    };
  }, [store, meterId, range, seconds]);

  const series = useMemo((): Lines | undefined => {
    const live = store.power.of(meterId);
    if (!seconds)
      return live && { import: minMaxBuckets(live.import, BUCKETS), export: minMaxBuckets(live.export, BUCKETS) };
    if (loaded?.range !== range) return undefined;
    // The window slides with the live samples; its start moves on too.
    const fromMs = Math.max(loaded.fromMs, Date.now() - seconds * 1000);
    const join = (key: keyof Lines) => withLive(loaded.lines[key], live?.[key] ?? [], fromMs);
    return { import: join('import'), export: join('export') };
    // powerRevision is in the list because the live samples grow in place.
  }, [store, meterId, powerRevision, seconds, range, loaded]);
  // A time axis needs two distinct times (one would give it duplicate ticks).
  const samples = Math.max(series?.import.length ?? 0, series?.export.length ?? 0);

  const exportCsv = () => {
    const to = Date.now() / 1000;
    const firstLive = store.power.of(meterId)?.import[0]?.t;
    const from = seconds ? to - seconds : (firstLive ?? to * 1000 - 300_000) / 1000;
    store.transport.call('exportHistoryCsv', { meterId, quantities: quantities.slice(0, 32), from, to: to + 1 }).then(
      ({ filename, csv }) => saveText(filename, csv, 'text/csv'),
      (e: Error) => setProblem(e.message),
    );
  };

  return (
    <figure className="chart" ref={box}>
      <figcaption className="chart-head">
        <span>{t(seconds ? 'history.title' : 'chart.title')}</span>
        <span className="ranges" role="group" aria-label={t('history.range')}>
          {RANGES.map((r) => (
            <button type="button" key={r.key} aria-pressed={r.key === range} onClick={() => setRange(r.key)}>
              {t(`history.${r.key}`)}
            </button>
          ))}
        </span>
        <button type="button" className="csv" onClick={exportCsv}>
          {t('history.csv')}
        </button>
      </figcaption>
      {problem && <p role="alert">{t('history.unavailable', { message: problem })}</p>}
      {samples < 2 ? (
        <p className="hint">{t(seconds ? (series ? 'history.empty' : 'history.loading') : 'chart.empty')}</p>
      ) : (
        <ResponsiveContainer width="100%" height={260}>
          <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
            <CartesianGrid stroke="currentColor" strokeOpacity={0.15} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={(ms: number) => formatTime(locale, ms)}
              tick={{ fill: 'currentColor' }}
              stroke="currentColor"
              minTickGap={40}
            />
            <YAxis
              tickFormatter={(w: number) => formatValue(locale, w, 'W')}
              tick={{ fill: 'currentColor' }}
              stroke="currentColor"
              width={80}
            />
            <Tooltip
              labelFormatter={(ms) => formatTime(locale, Number(ms))}
              formatter={(w) => formatValue(locale, Number(w), 'W')}
              contentStyle={{ background: 'var(--surface)', color: 'var(--text)', border: '1px solid var(--border)' }}
            />
            <Legend />
            {LINES.map(({ key, label, color }) => (
              <Line
                key={key}
                data={series![key]}
                dataKey="v"
                name={t(label)}
                stroke={color}
                dot={false}
                isAnimationActive={false}
                strokeWidth={2}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
});
