/**
 * Settings per meter: its facts (ID, model, protocol, source, online, last seen, interval, error counters), its alias
 * (which moves its topics; Home Assistant keeps it by its ID) and its keys, which are set, replaced or removed but
 * never shown back.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeView, MeterView } from '../../../shared/api.ts';
import { useLocale } from '../components/use-locale.ts';
import { formatNumber, formatTime } from '../format/format.ts';
import { KeyPrompts } from '../keys/KeyPrompts.tsx';
import { useBridge } from '../store/use-bridge.ts';
import { SaveStatus } from './SaveStatus.tsx';
import { SecretProtectionNote } from './SecretProtectionNote.tsx';
import './settings.css';
import { useSettings, type SaveOutcome } from './use-settings.ts';

type Settings = ReturnType<typeof useSettings>;
const KEY_FIELDS = ['key', 'authKey'] as const;
const KEY_LABELS = { key: 'settings.meterKey', authKey: 'settings.meterAuthKey' } as const;

export function MeterSettingsPage() {
  const { t } = useTranslation();
  const { bridge } = useBridge();
  const settings = useSettings();
  if (settings.loadError) return <p role="alert">{settings.loadError}</p>;
  if (!bridge || !settings.settings) return null;
  const configured = Object.keys(settings.settings.config.meters);
  const ids = [...new Set([...bridge.meters.map((m) => m.meterId), ...configured])];
  return (
    <>
      <h1>{t('settings.metersTitle')}</h1>
      <p className="hint">{t('settings.metersIntro')}</p>
      <SecretProtectionNote protection={settings.settings.protection} />
      <KeyPrompts />
      {ids.length === 0 && <p>{t('meters.waiting')}</p>}
      {ids.map((id) => (
        <MeterCard key={id} id={id} bridge={bridge} meter={bridge.meters.find((m) => m.meterId === id)} {...settings} />
      ))}
    </>
  );
}

function MeterCard({
  id,
  meter,
  bridge,
  settings,
  save,
  transport,
}: { id: string; meter: MeterView | undefined; bridge: BridgeView } & Settings) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [alias, setAlias] = useState(settings?.config.meters[id]?.alias ?? '');
  const [keys, setKeys] = useState({ key: '', authKey: '' });
  const [outcome, setOutcome] = useState<SaveOutcome>();
  const source = bridge.sources.find((s) => s.label === meter?.info.source);
  const titleId = `meter-${id}`;

  const run = async (changes: Parameters<Settings['save']>[0]) => {
    setOutcome(undefined);
    setOutcome(await save(changes));
  };
  const saveAlias = (e: FormEvent) => {
    e.preventDefault();
    const patch = { meters: { [id]: { alias: alias.trim() === '' ? null : alias.trim() } } };
    void run([() => transport.call('patchConfig', { patch })]);
  };
  const saveKeys = (e: FormEvent) => {
    e.preventDefault();
    const changes = KEY_FIELDS.filter((f) => keys[f].trim() !== '').map(
      (f) => () => transport.call('setSecret', { path: ['meters', id, f], value: keys[f].replace(/[\s:-]/g, '') }),
    );
    void run(changes).then(() => setKeys({ key: '', authKey: '' }));
  };
  const removeKey = (field: (typeof KEY_FIELDS)[number]) =>
    void run([() => transport.call('deleteSecret', { path: ['meters', id, field] })]);

  return (
    <section className="card settings-page" aria-labelledby={titleId}>
      <h2 id={titleId}>{settings?.config.meters[id]?.alias ?? id}</h2>
      <dl className="facts">
        <dt>{t('settings.meterId')}</dt>
        <dd>
          <code>{id}</code>
        </dd>
        {meter?.systemTitle && (
          <>
            <dt>{t('settings.systemTitle')}</dt>
            <dd>
              <code>{meter.systemTitle}</code>
            </dd>
          </>
        )}
        <dt>{t('settings.model')}</dt>
        <dd>{[meter?.info.manufacturer, meter?.info.model].filter(Boolean).join(' ') || '–'}</dd>
        <dt>{t('settings.protocol')}</dt>
        <dd>{meter?.info.protocol ?? '–'}</dd>
        <dt>{t('meters.source')}</dt>
        <dd>{meter?.info.source ?? '–'}</dd>
        <dt>{t('settings.state')}</dt>
        <dd>{meter ? (meter.online ? t('meters.online') : t('meters.offline')) : t('settings.notSeen')}</dd>
        <dt>{t('settings.lastSeen')}</dt>
        <dd>{meter ? formatTime(locale, meter.lastSeen * 1000) : '–'}</dd>
        <dt>{t('settings.interval')}</dt>
        <dd>{meter ? t('settings.seconds', { seconds: formatNumber(locale, meter.interval, 1) }) : '–'}</dd>
        <dt>{t('settings.errors')}</dt>
        <dd>
          {source
            ? t('settings.errorCounts', {
                crc: source.counters.crcErrors,
                decrypt: source.counters.decryptErrors,
                other: source.counters.otherErrors,
              })
            : '–'}
        </dd>
      </dl>
      <form onSubmit={saveAlias} className="settings">
        <label>
          {t('settings.alias')}
          <input value={alias} onChange={(e) => setAlias(e.target.value)} />
        </label>
        <p className="hint">{t('settings.aliasHint', { topic: `${bridge.baseTopic}/${alias.trim() || id}` })}</p>
        <button type="submit">{t('settings.saveAlias')}</button>
      </form>
      <form onSubmit={saveKeys} className="settings" noValidate>
        {KEY_FIELDS.map((field) => {
          const isSet = settings?.secrets[`meters.${id}.${field}`] !== undefined;
          return (
            <div key={field}>
              <label>
                {t(KEY_LABELS[field])}
                <input
                  type="password"
                  autoComplete="off"
                  value={keys[field]}
                  placeholder={isSet ? t('settings.keyReplace') : ''}
                  onChange={(e) => setKeys({ ...keys, [field]: e.target.value })}
                />
              </label>
              <p className="hint">
                {isSet ? t('settings.keySet') : t('settings.keyNotSet')}{' '}
                {isSet && (
                  <button type="button" className="small" onClick={() => removeKey(field)}>
                    {t('settings.keyRemove', { name: t(KEY_LABELS[field]) })}
                  </button>
                )}
              </p>
            </div>
          );
        })}
        <button type="submit" disabled={keys.key.trim() === '' && keys.authKey.trim() === ''}>
          {t('settings.saveKeys')}
        </button>
      </form>
      <SaveStatus outcome={outcome} />
    </section>
  );
}
