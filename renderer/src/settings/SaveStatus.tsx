import { useTranslation } from 'react-i18next';
import type { SaveOutcome } from './use-settings.ts';

/** What came of a save: applied (and where a first save wrote the config file), or each problem with its key. */
export function SaveStatus({ outcome }: { outcome: SaveOutcome | undefined }) {
  const { t } = useTranslation();
  if (!outcome) return null;
  if (outcome.ok) {
    return (
      <p role="status" className="ok">
        {outcome.created ? t('settings.savedNew', { path: outcome.path }) : t('settings.saved')}
      </p>
    );
  }
  return (
    <div role="alert">
      <p>{t('settings.refused')}</p>
      <ul>
        {outcome.problems.map((p) => (
          <li key={p}>
            <code>{p}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
