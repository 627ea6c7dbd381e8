/**
 * "Meter X sends encrypted data: enter its key", for each meter whose frames arrive but fail to decrypt. The key is
 * saved where the bridge looks for it (`meters.<meterId>.key`, through setSecret) and applies at once: the prompt
 * goes when the meter's values arrive, and says the key is wrong when its frames still fail after the save.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CodeField } from '../connect/CodeField.tsx';
import { normaliseKey } from '../connect/meter-key.ts';
import { useBridge, useStore } from '../store/use-bridge.ts';
import { lockedMeters, type LockedMeter } from './locked-meters.ts';

/**
 * A key saved for a meter: its decrypt errors then, and whether its source has restarted since (a saved key
 * restarts it, which clears its counters and last error). Decrypt errors after the restart, or more than at the save,
 * mean the key is wrong.
 */
interface Saved {
  errors: number;
  restarted: boolean;
}

export function KeyPrompts() {
  const { bridge } = useBridge();
  // Kept here, not in each prompt: a prompt goes while its source restarts, and comes back if the key was wrong.
  const [saved, setSaved] = useState<Record<string, Saved>>({});
  const locked = bridge ? lockedMeters(bridge) : [];
  // After every push: note the restarts of sources whose meter got a key (a state update only when one happened).
  useEffect(() => {
    const restarts = Object.entries(saved).filter(([id, s]) => {
      const now = locked.find((m) => m.meterId === id);
      return !s.restarted && (!now || now.decryptErrors < s.errors);
    });
    if (restarts.length > 0) {
      setSaved((all) => ({
        ...all,
        ...Object.fromEntries(restarts.map(([id, s]) => [id, { ...s, restarted: true }])),
      }));
    }
  });
  return locked.map((meter) => {
    const s = saved[meter.meterId];
    return (
      <KeyPrompt
        key={meter.meterId}
        meter={meter}
        wrong={s !== undefined && (s.restarted || meter.decryptErrors > s.errors)}
        saved={s !== undefined}
        onSaved={(errors) => setSaved((all) => ({ ...all, [meter.meterId]: { errors, restarted: false } }))}
      />
    );
  });
}

type Saving = { state: 'idle' | 'saving' } | { state: 'refused'; message: string };

function KeyPrompt({
  meter,
  wrong,
  saved,
  onSaved,
}: {
  meter: LockedMeter;
  wrong: boolean;
  saved: boolean;
  onSaved: (errors: number) => void;
}) {
  const { t } = useTranslation();
  const { transport } = useStore();
  const [key, setKey] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [saving, setSaving] = useState<Saving>({ state: 'idle' });
  const titleId = `key-prompt-${meter.meterId}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = normaliseKey(key);
    setInvalid(value === null);
    if (value === null) return;
    setSaving({ state: 'saving' });
    const errors = meter.decryptErrors;
    transport.call('setSecret', { path: ['meters', meter.meterId, 'key'], value }).then(
      (result) => {
        setSaving(result.ok ? { state: 'idle' } : { state: 'refused', message: result.problems.join('; ') });
        if (!result.ok) return;
        setKey('');
        onSaved(errors);
      },
      (error: Error) => setSaving({ state: 'refused', message: error.message }),
    );
  };

  return (
    <section className="card key-prompt" aria-labelledby={titleId} data-locked-meter={meter.meterId}>
      <h2 id={titleId}>{t('keyPrompt.title', { meterId: meter.meterId })}</h2>
      <p>{t('keyPrompt.intro', { source: meter.source })}</p>
      <p className="hint">{t('keyPrompt.where')}</p>
      <form className="key-form" onSubmit={submit} noValidate>
        <CodeField
          label={t('connect.key')}
          name={`key-${meter.meterId}`}
          value={key}
          onChange={setKey}
          invalid={invalid}
          required
        />
        {invalid && <p role="alert">{t('connect.keyFormat')}</p>}
        <button type="submit" disabled={saving.state === 'saving'}>
          {t('keyPrompt.save')}
        </button>
      </form>
      <div aria-live="polite">
        {wrong && (
          <div role="alert" className="refused">
            <p>{t('keyPrompt.wrong')}</p>
            <p className="hint">{meter.message}</p>
          </div>
        )}
        {saved && !wrong && saving.state !== 'saving' && <p role="status">{t('keyPrompt.waiting')}</p>}
        {saving.state === 'refused' && <p role="alert">{t('keyPrompt.refused', { message: saving.message })}</p>}
      </div>
    </section>
  );
}
