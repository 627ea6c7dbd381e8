/** Broker & outputs: where the profile is published (embedded broker or the user's own), and what is published. */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BrokerTestResult, SettingsView } from '../../../shared/api.ts';
import { isLoopbackHost } from './loopback.ts';
import { SaveStatus } from './SaveStatus.tsx';
import { SecretProtectionNote } from './SecretProtectionNote.tsx';
import { DesktopOptions } from './DesktopOptions.tsx';
import './settings.css';
import { useSettings, type SaveOutcome } from './use-settings.ts';

interface Form {
  external: boolean;
  url: string;
  username: string;
  /** Empty: keep the stored password. */
  password: string;
  clientId: string;
  protocolVersion: 4 | 5;
  ca: string;
  cert: string;
  key: string;
  baseTopic: string;
  homeAssistant: boolean;
  rlDsp: boolean;
  rlDspGroup: string;
  /** The embedded broker's listening address, port and login (a LAN device publishing to it needs them). */
  embeddedHost: string;
  embeddedPort: string;
  embeddedUsername: string;
  /** Empty: keep the stored password. */
  embeddedPassword: string;
}

/** Where the embedded broker listens when it is for the LAN, unless a LAN address was configured. */
const ALL_NETWORKS = '0.0.0.0';

function formOf({ config }: SettingsView): Form {
  const { broker, profile, embeddedBroker } = config;
  return {
    external: broker.url !== undefined,
    url: broker.url ?? '',
    username: broker.username ?? '',
    password: '',
    clientId: broker.clientId ?? '',
    protocolVersion: broker.protocolVersion,
    ca: broker.ca ?? '',
    cert: broker.cert ?? '',
    key: broker.key ?? '',
    baseTopic: profile.baseTopic,
    homeAssistant: profile.homeAssistant.enabled,
    rlDsp: profile.rlDsp.enabled,
    rlDspGroup: profile.rlDsp.group,
    embeddedHost: embeddedBroker.host,
    embeddedPort: String(embeddedBroker.port),
    embeddedUsername: embeddedBroker.username ?? '',
    embeddedPassword: '',
  };
}

/** An empty field removes the setting (its default applies). */
const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

export function BrokerPage() {
  const { t } = useTranslation();
  const { settings, loadError, save, transport } = useSettings();
  const [form, setForm] = useState<Form>();
  const [outcome, setOutcome] = useState<SaveOutcome>();
  const [test, setTest] = useState<BrokerTestResult | 'running'>();
  useEffect(() => {
    if (settings && !form) setForm(formOf(settings));
  }, [settings, form]);
  if (loadError) return <p role="alert">{loadError}</p>;
  if (!settings || !form) return null;
  const passwordSet = settings.secrets['broker.password'] !== undefined;
  const embeddedPasswordSet = settings.secrets['embeddedBroker.password'] !== undefined;
  const lan = !isLoopbackHost(form.embeddedHost);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm({ ...form, [key]: value });
  type TextKey = { [K in keyof Form]: Form[K] extends string ? K : never }[keyof Form];
  /** A text field; the label's key is the field's unless given (the embedded broker's reuse the external's). */
  const text = (key: TextKey, type = 'text', label: string = key) => (
    <label>
      {t(`settings.${label}`)}
      <input type={type} value={form[key]} onChange={(e) => set(key, e.target.value)} autoComplete="off" />
    </label>
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOutcome(undefined);
    const broker = form.external
      ? {
          url: orNull(form.url),
          username: orNull(form.username),
          clientId: orNull(form.clientId),
          protocolVersion: form.protocolVersion,
          ca: orNull(form.ca),
          cert: orNull(form.cert),
          key: orNull(form.key),
        }
      : { url: null, protocolVersion: 4 };
    const embeddedBroker = form.external
      ? undefined
      : {
          host: form.embeddedHost.trim(),
          port: Number(form.embeddedPort),
          username: orNull(form.embeddedUsername),
        };
    const patch = {
      broker,
      ...(embeddedBroker && { embeddedBroker }),
      profile: {
        baseTopic: form.baseTopic,
        homeAssistant: { enabled: form.homeAssistant },
        rlDsp: { enabled: form.rlDsp, group: form.rlDspGroup },
      },
    };
    // One change: a password is refused without its username, and a LAN address without a password.
    const secret = form.external
      ? form.password && { path: ['broker', 'password'], value: form.password }
      : form.embeddedPassword && { path: ['embeddedBroker', 'password'], value: form.embeddedPassword };
    const changes = [() => transport.call('patchConfig', { patch, ...(secret && { secrets: [secret] }) })];
    const result = await save(changes);
    setOutcome(result);
    if (result.ok) setForm({ ...form, password: '', embeddedPassword: '' });
  };

  const runTest = () => {
    setTest('running');
    const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
    transport
      .call('testBrokerConnection', {
        url: form.url.trim(),
        username: optional(form.username),
        password: optional(form.password),
        clientId: optional(form.clientId),
        protocolVersion: form.protocolVersion,
        ca: optional(form.ca),
        cert: optional(form.cert),
        key: optional(form.key),
      })
      .then(setTest, (e: Error) => setTest({ ok: false, kind: 'other', message: e.message }));
  };

  return (
    <>
      <h1>{t('settings.brokerTitle')}</h1>
      <form className="settings settings-page" onSubmit={(e) => void submit(e)}>
        <fieldset className="card">
          <legend>{t('settings.brokerLegend')}</legend>
          <label>
            <input type="radio" name="mode" checked={!form.external} onChange={() => set('external', false)} />
            {t('settings.embedded')}
          </label>
          {!form.external && (
            <div className="embedded-broker">
              <label>
                <input
                  type="checkbox"
                  checked={lan}
                  onChange={(e) => set('embeddedHost', e.target.checked ? ALL_NETWORKS : '127.0.0.1')}
                />
                {t('settings.embeddedLan')}
              </label>
              <p className="hint">
                {t(lan ? 'settings.embeddedLanHint' : 'settings.embeddedLocalHint', { host: form.embeddedHost })}
              </p>
              {text('embeddedPort')}
              {text('embeddedUsername', 'text', 'username')}
              {text('embeddedPassword', 'password', 'password')}
              <p className="hint">{embeddedPasswordSet ? t('settings.passwordSet') : t('settings.passwordNotSet')}</p>
            </div>
          )}
          <label>
            <input type="radio" name="mode" checked={form.external} onChange={() => set('external', true)} />
            {t('settings.external')}
          </label>
          {form.external && (
            <>
              {text('url')}
              {text('username')}
              {text('password', 'password')}
              <p className="hint">{passwordSet ? t('settings.passwordSet') : t('settings.passwordNotSet')}</p>
              <SecretProtectionNote protection={settings.protection} />
              {text('clientId')}
              <label>
                {t('settings.protocolVersion')}
                <select
                  value={form.protocolVersion}
                  onChange={(e) => set('protocolVersion', Number(e.target.value) === 5 ? 5 : 4)}
                >
                  <option value={4}>MQTT 3.1.1</option>
                  <option value={5}>MQTT 5</option>
                </select>
              </label>
              {text('ca')}
              {text('cert')}
              {text('key')}
              <p className="hint">{t('settings.tlsHint')}</p>
              <button type="button" onClick={runTest} disabled={test === 'running' || form.url.trim() === ''}>
                {t('settings.test')}
              </button>
              <p role="status" className={test && test !== 'running' ? (test.ok ? 'ok' : 'error') : undefined}>
                {test === 'running'
                  ? t('settings.testRunning')
                  : test?.ok
                    ? t('settings.testOk', { version: test.protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1' })
                    : test && `${t(`settings.test_${test.kind}`)} ${test.message}`}
              </p>
            </>
          )}
        </fieldset>
        <fieldset className="card">
          <legend>{t('settings.outputsLegend')}</legend>
          <label>
            {t('settings.baseTopic')}
            <input value={form.baseTopic} onChange={(e) => set('baseTopic', e.target.value)} />
          </label>
          <label>
            <input
              type="checkbox"
              checked={form.homeAssistant}
              onChange={(e) => set('homeAssistant', e.target.checked)}
            />
            {t('settings.homeAssistant')}
          </label>
          <label>
            <input type="checkbox" checked={form.rlDsp} onChange={(e) => set('rlDsp', e.target.checked)} />
            {t('settings.rlDsp')}
          </label>
          {form.rlDsp && (
            <label>
              {t('settings.rlDspGroup')}
              <input value={form.rlDspGroup} onChange={(e) => set('rlDspGroup', e.target.value)} />
            </label>
          )}
        </fieldset>
        <p className="hint">{t('settings.fileHint', { path: settings.path })}</p>
        <button type="submit">{t('settings.save')}</button>
        <SaveStatus outcome={outcome} />
      </form>
      <DesktopOptions />
    </>
  );
}
