/**
 * The Diagnostics page's depth, fetched from the core when asked (getDiagnostics): per source its last raw frames with
 * their decode tree, the recent log lines by level, and "download diagnostics" (the same data as one JSON file, with
 * no secret in it: the core replaced them).
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DiagnosticsFrame, DiagnosticsLogLine, DiagnosticsView } from '../../../shared/diagnostics.ts';
import { isMbusMessage } from '../../../shared/protocols/types.ts';
import { useLocale } from '../components/use-locale.ts';
import { formatTime } from '../format/format.ts';
import { rawForDisplay } from '../format/raw-frame.ts';
import { useStore } from '../store/use-bridge.ts';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function download(view: DiagnosticsView): void {
  const blob = new Blob([JSON.stringify(view, null, 2)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `smartmeter-bridge-diagnostics-${view.created.replace(/[:.]/g, '-')}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

export function DiagnosticsDetails() {
  const { t } = useTranslation();
  const store = useStore();
  const [view, setView] = useState<DiagnosticsView>();
  const [problem, setProblem] = useState<string>();
  const load = useCallback(
    () =>
      store.transport.call('getDiagnostics').then(
        (v) => (setView(v), setProblem(undefined), v),
        (e: Error) => (setProblem(e.message), undefined),
      ),
    [store],
  );
  useEffect(() => void load(), [load]);

  return (
    <>
      <section className="card" aria-labelledby="details-title">
        <h2 id="details-title">{t('diagnosticsDetails.title')}</h2>
        <p className="hint">{t('diagnosticsDetails.intro')}</p>
        <button type="button" onClick={() => void load()}>
          {t('diagnosticsDetails.refresh')}
        </button>{' '}
        <button type="button" onClick={() => void load().then((v) => v && download(v))}>
          {t('diagnosticsDetails.download')}
        </button>
        {problem && <p role="alert">{problem}</p>}
      </section>
      {view?.sources.map((s) => (
        <section key={s.id} className="card" aria-labelledby={`frames-${s.id}`}>
          <h2 id={`frames-${s.id}`}>
            {t('diagnosticsDetails.frames')} <code>{s.label}</code>
          </h2>
          {s.frames.length === 0 ? (
            <p className="hint">{t('diagnostics.noRaw')}</p>
          ) : (
            [...s.frames].reverse().map((f) => <Frame key={`${f.at}-${f.hex.length}`} frame={f} />)
          )}
        </section>
      ))}
      {view && <LogView lines={view.logs} />}
    </>
  );
}

function Frame({ frame }: { frame: DiagnosticsFrame }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const m = frame.decoded;
  return (
    <details className="frame">
      <summary>
        {formatTime(locale, frame.at * 1000)} · {t('diagnosticsDetails.bytes', { count: frame.hex.length / 2 })}
        {m?.meterId && <> · {m.meterId}</>}
        {frame.error && (
          <>
            {' '}
            · {frame.error.kind}: {frame.error.message}
          </>
        )}
      </summary>
      <pre className="raw" tabIndex={0} aria-label={t('diagnostics.lastRaw')}>
        {rawForDisplay(frame.hex).text}
      </pre>
      {m && (
        <ul className="tree" data-decode-tree>
          <li>
            {t('diagnosticsDetails.framing')}: {m.protocol}
            {m.info.transport && ` / ${m.info.transport}`}
            {m.info.encrypted !== undefined &&
              ` · ${m.info.encrypted ? t('diagnosticsDetails.encrypted') : t('diagnosticsDetails.plain')}`}
            {m.info.systemTitle && ` · system title ${m.info.systemTitle}`}
            {m.info.header && ` · ${m.info.header}`}
          </li>
          <li>
            {t('diagnosticsDetails.values')}
            <ul>
              {isMbusMessage(m)
                ? m.values.map((r) => (
                    <li key={r.record}>
                      #{r.record} {r.quantity} = {String(r.value)}
                      {r.unit ? ` ${r.unit}` : ''} ({r.function}, {t('diagnosticsDetails.storage')} {r.storage})
                    </li>
                  ))
                : m.values.map((v, i) => (
                    <li key={`${v.obis}-${i}`}>
                      <code>{v.obis ?? '–'}</code> = {String(v.value)}
                      {v.unit ? ` ${v.unit}` : ''}
                      {v.raw !== undefined && ` (${t('diagnosticsDetails.raw')} ${v.raw})`}
                    </li>
                  ))}
            </ul>
          </li>
        </ul>
      )}
    </details>
  );
}

function LogView({ lines }: { lines: DiagnosticsLogLine[] }) {
  const { t } = useTranslation();
  const [level, setLevel] = useState<(typeof LEVELS)[number]>('info');
  const shown = lines.filter((l) => LEVELS.indexOf(l.level) >= LEVELS.indexOf(level)).reverse();
  return (
    <section className="card" aria-labelledby="log-title">
      <h2 id="log-title">{t('diagnosticsDetails.log')}</h2>
      <label htmlFor="log-level">{t('diagnosticsDetails.level')}</label>{' '}
      <select id="log-level" value={level} onChange={(e) => setLevel(e.target.value as (typeof LEVELS)[number])}>
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {t(`diagnosticsDetails.${l}`)}
          </option>
        ))}
      </select>
      {shown.length === 0 ? (
        <p className="hint">{t('diagnosticsDetails.noLog')}</p>
      ) : (
        <pre className="raw log" tabIndex={0} aria-labelledby="log-title" data-log>
          {shown.map((l) => `${l.time} ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n')}
        </pre>
      )}
    </section>
  );
}
