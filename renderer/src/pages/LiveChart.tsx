/**
 * Import and export power over a chosen range: since the page opened (live samples only), or 5 min to 30 days from
 * the bridge's history, bucketed by the core to the plot's pixel width, with the live samples since appended. The
 * series are made again only when a new sample would move a line by a point (redrawKey), and the drawing
 * (PowerChart) renders only when they were.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { minMaxBuckets, type Point } from '../chart/downsample.ts';
import { historyPoints, RANGES, redrawKey, withLive, type RangeKey } from '../chart/history-ranges.ts';
import { saveText } from '../chart/save-text.ts';
import { useLocale } from '../components/use-locale.ts';
import { useWidth } from '../components/use-width.ts';
import { useBridgeSelect, useStore } from '../store/use-bridge.ts';
import { plotWidth, PowerChart, type PowerLines } from './PowerChart.tsx';

type Loaded = { range: RangeKey; fromMs: number; import: Point[]; export: Point[] };

/** Points a line gets across the plot: min/max buckets of two pixels, i.e. one point per pixel. */
const buckets = (plot: number) => Math.max(50, Math.round(plot / 2));

/** Renders when a sample would move a line, not on every pushed view (counters change more often). */
export const LiveChart = memo(function LiveChart({ meterId }: { meterId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const store = useStore();
  const [range, setRange] = useState<RangeKey>('live');
  const [loaded, setLoaded] = useState<Loaded>();
  const [problem, setProblem] = useState<string>();
  const box = useRef<HTMLElement>(null);
  const width = useWidth(box);
  const plot = plotWidth(width ?? 800);
  const seconds = RANGES.find((r) => r.key === range)!.seconds;

  const drawKey = useBridgeSelect(() => {
    const span = store.power.span(meterId);
    return span ? redrawKey(span.toMs, seconds ? seconds * 1000 : span.toMs - span.fromMs, plot) : 0;
  });

  useEffect(() => {
    if (!seconds) return;
    let current = true;
    const to = Date.now() / 1000;
    // The width when the range was chosen: resizing the window does not query again.
    const points = buckets(plotWidth(box.current?.clientWidth ?? 800));
    const query = { meterId, quantities: ['power_in', 'power_out'], from: to - seconds, to: to + 1, points };
    store.transport.call('getHistory', query).then(
      (series) => {
        if (!current) return;
        const of = (q: string) => historyPoints(series.find((s) => s.quantity === q));
        setLoaded({ range, fromMs: query.from * 1000, import: of('power_in'), export: of('power_out') });
        setProblem(undefined);
      },
      (e: Error) => current && setProblem(e.message),
    );
    return () => {
      current = false;
    };
  }, [store, meterId, range, seconds]);

  const lines = useMemo((): PowerLines | undefined => {
    const live = store.power.of(meterId);
    const span = store.power.span(meterId);
    if (!seconds) {
      if (!live || !span) return undefined;
      const [importLine, exportLine] = [
        minMaxBuckets(live.import, buckets(plot)),
        minMaxBuckets(live.export, buckets(plot)),
      ];
      return { import: importLine, export: exportLine, ...span };
    }
    if (loaded?.range !== range) return undefined;
    // The window slides with the live samples; its start moves on too.
    const toMs = Math.max(Date.now(), span?.toMs ?? 0);
    const fromMs = Math.max(loaded.fromMs, toMs - seconds * 1000);
    const join = (key: 'import' | 'export') => withLive(loaded[key], live?.[key] ?? [], fromMs);
    return { import: join('import'), export: join('export'), fromMs, toMs };
    // drawKey is in the list because the live samples grow in place.
  }, [store, meterId, drawKey, seconds, range, loaded, plot]);
  // A time axis needs two distinct times (one would give it duplicate ticks).
  const samples = Math.max(lines?.import.length ?? 0, lines?.export.length ?? 0);

  const exportCsv = () => {
    const to = Date.now() / 1000;
    const firstLive = store.power.of(meterId)?.import[0]?.t;
    const from = seconds ? to - seconds : (firstLive ?? to * 1000 - 300_000) / 1000;
    const meter = store.getState().bridge?.meters.find((m) => m.meterId === meterId);
    const quantities = (meter?.readings ?? []).map((r) => r.topic.slice(r.topic.lastIndexOf('/') + 1)).slice(0, 32);
    store.transport.call('exportHistoryCsv', { meterId, quantities, from, to: to + 1 }).then(
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
      {samples < 2 || width === undefined ? (
        <p className="hint">{t(seconds ? (lines ? 'history.empty' : 'history.loading') : 'chart.empty')}</p>
      ) : (
        <PowerChart lines={lines!} width={width} locale={locale} />
      )}
    </figure>
  );
});
