import { useTranslation } from 'react-i18next';
import type { SourceView } from '../../../shared/api.ts';

/** A source's or the broker's state in words, with its detail or error when there is one. */
export function StateText({ state, detail }: { state: string; detail?: string | undefined }) {
  const { t } = useTranslation();
  const words = t(`state.${state}`, { defaultValue: state });
  return (
    <span className={`state state-${state}`}>
      {words}
      {detail && <span className="hint"> ({detail})</span>}
    </span>
  );
}

export function SourceStateText({ source }: { source: SourceView }) {
  return <StateText state={source.state.state} detail={source.state.error?.message ?? source.state.detail} />;
}

export function errorCount(source: SourceView): number {
  const c = source.counters;
  return c.crcErrors + c.decryptErrors + c.otherErrors;
}
