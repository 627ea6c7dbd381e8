/**
 * Connect, for one serial port: the probe runs (up to ~15 s), then what it found; an encrypted meter asks for its
 * key, which the core checks against a live frame before anything is kept (a wrong one is refused with the core's
 * reason); then the meter's first values, and adding it to the bridge (addSource: the keys go to the secret store).
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SerialProbeView } from '../../../shared/api.ts';
import { useLocale } from '../components/use-locale.ts';
import { formatValue } from '../format/format.ts';
import { quantityLabel } from '../format/quantity-label.ts';
import { useStore } from '../store/use-bridge.ts';
import { CodeField } from './CodeField.tsx';
import { normaliseKey } from './meter-key.ts';

type Step =
  | { step: 'probing'; withKey: boolean }
  | { step: 'failed'; message: string }
  | { step: 'key'; found: SerialProbeView; refused?: string }
  | { step: 'done'; found: SerialProbeView; keys: Keys };

interface Keys {
  key?: string;
  authKey?: string;
}

/** `path` becomes the source's port; `device` is probed (the link's pty for a configured link, else the same). */
export function ConnectFlow({ path, device, onClose }: { path: string; device: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { transport } = useStore();
  const [state, setState] = useState<Step>({ step: 'probing', withKey: false });
  const titleId = useId();

  const probe = useCallback(
    // A refused key is told by the core's words (`authentication failed: …`): IPC passes an error's message only.
    (keys: Keys, found?: SerialProbeView) => {
      setState({ step: 'probing', withKey: keys.key !== undefined });
      transport.call('probeSerialPort', { path: device, ...keys }).then(
        (result) => setState(result.decrypted ? { step: 'done', found: result, keys } : { step: 'key', found: result }),
        (e: Error) =>
          setState(
            found && /^authentication failed/.test(e.message)
              ? { step: 'key', found, refused: e.message }
              : { step: 'failed', message: e.message },
          ),
      );
    },
    [transport, device],
  );
  // Once per opened flow: StrictMode runs effects twice, and a second probe of the port would be refused as busy.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    probe({});
  }, [probe]);

  return (
    <section className="card connect" aria-labelledby={titleId} aria-live="polite">
      <h2 id={titleId}>{t('connect.title', { path })}</h2>
      {state.step === 'probing' && (
        <p role="status" className="probing">
          {t(state.withKey ? 'connect.checkingKey' : 'connect.probing')}
        </p>
      )}
      {state.step === 'failed' && (
        <>
          <p role="alert">{t('connect.failed', { message: state.message })}</p>
          <button type="button" onClick={() => probe({})}>
            {t('connect.retry')}
          </button>
        </>
      )}
      {(state.step === 'key' || state.step === 'done') && <Facts found={state.found} />}
      {state.step === 'key' && <KeyForm refused={state.refused} onSubmit={(keys) => probe(keys, state.found)} />}
      {state.step === 'done' && <FirstValues found={state.found} />}
      {state.step === 'done' && <AddSource path={path} keys={state.keys} />}
      <p>
        <button type="button" className="small" onClick={onClose}>
          {t('connect.close')}
        </button>
      </p>
    </section>
  );
}

function Facts({ found }: { found: SerialProbeView }) {
  const { t } = useTranslation();
  const unknown = t('connect.unknown');
  const facts: [string, string][] = [
    [
      t('connect.protocol'),
      found.protocol ? `${found.protocol}${found.transport ? ` (${found.transport})` : ''}` : unknown,
    ],
    [
      t('connect.settings'),
      found.lineSettingsProven
        ? found.lineSettings
        : // Unproven, it is the protocol's standard setting once the protocol is known, else the first that read.
          t(found.protocol ? 'connect.settingsUnproven' : 'connect.settingsUnprovenFirst', {
            settings: found.lineSettings,
          }),
    ],
    [t('connect.meterId'), found.meterId ?? unknown],
    [t('connect.model'), [found.manufacturer, found.model ?? found.family].filter(Boolean).join(' ') || unknown],
    [t('connect.encrypted'), found.encrypted ? t('connect.yes') : t('connect.no')],
  ];
  return (
    <dl className="facts" data-probe="facts">
      {facts.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function KeyForm({
  refused,
  onSubmit,
}: {
  refused?: string;
  onSubmit: (keys: { key: string; authKey?: string }) => void;
}) {
  const { t } = useTranslation();
  const [key, setKey] = useState('');
  const [authKey, setAuthKey] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const k = normaliseKey(key);
    const a = authKey.trim() ? normaliseKey(authKey) : undefined;
    if (!k || a === null) return setInvalid(true);
    setInvalid(false);
    onSubmit(a ? { key: k, authKey: a } : { key: k });
  };
  return (
    <form className="key-form" onSubmit={submit} noValidate>
      <p>{t('connect.needsKey')}</p>
      <p className="hint">{t('connect.whereKey')}</p>
      {refused && (
        <div role="alert" className="refused">
          <p>{t('connect.keyRefused')}</p>
          <p className="hint">{refused}</p>
        </div>
      )}
      <CodeField
        label={t('connect.key')}
        name="key"
        value={key}
        onChange={setKey}
        invalid={invalid && !normaliseKey(key)}
        required
      />
      <CodeField label={t('connect.authKey')} name="authKey" value={authKey} onChange={setAuthKey} />
      {invalid && <p role="alert">{t('connect.keyFormat')}</p>}
      <button type="submit">{t('connect.checkKey')}</button>
    </form>
  );
}

function FirstValues({ found }: { found: SerialProbeView }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <>
      <h3>{t('connect.firstValues')}</h3>
      <dl className="facts" data-probe="values">
        {found.readings.map((r) => (
          <div key={r.quantity}>
            <dt>{quantityLabel(t, r.quantity)}</dt>
            <dd data-probe-quantity={r.quantity}>{formatValue(locale, r.value, r.unit)}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

type Adding = { state: 'idle' | 'adding' | 'added' } | { state: 'refused'; message: string };

/** Connect's last step: the port becomes a source (auto-detected settings), its keys go to the secret store. */
function AddSource({ path, keys }: { path: string; keys: Keys }) {
  const { t } = useTranslation();
  const { transport } = useStore();
  const [adding, setAdding] = useState<Adding>({ state: 'idle' });
  const add = () => {
    setAdding({ state: 'adding' });
    transport.call('addSource', { source: { type: 'serial', port: path }, ...keys }).then(
      (result) => setAdding(result.ok ? { state: 'added' } : { state: 'refused', message: result.problems.join('; ') }),
      (e: Error) => setAdding({ state: 'refused', message: e.message }),
    );
  };
  return (
    <>
      <h3>{t('connect.addTitle')}</h3>
      {adding.state === 'added' ? (
        <p role="status" className="added">
          {t('connect.added')} <a href="#/meters">{t('connect.metersLink')}</a>
        </p>
      ) : (
        <button type="button" onClick={add} disabled={adding.state === 'adding'}>
          {t(adding.state === 'adding' ? 'connect.adding' : 'connect.add')}
        </button>
      )}
      {adding.state === 'refused' && <p role="alert">{t('connect.addRefused', { message: adding.message })}</p>}
    </>
  );
}
