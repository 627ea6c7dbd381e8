/**
 * Discovery on the Devices page (docs/discovery.md): gPlug/Tasmota devices and meter streams found on the brokers,
 * by HTTP probe, subnet scan or mDNS, from the `discovery` events. Adopt changes a device, so it runs only after a
 * dialog that names every setting it will write, and shows each step as the core reports it.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AdoptProgress,
  AdoptResult,
  DiscoveryView,
  FoundDevice,
  FoundMeter,
  ProbeOutcome,
  ScanProgress,
} from '../../../shared/discovery/types.ts';
import { ScrollTable } from '../components/ScrollTable.tsx';
import { useLocale } from '../components/use-locale.ts';
import { formatNumber } from '../format/format.ts';
import { isLoopbackHost } from '../settings/loopback.ts';
import { useBridge, useStore } from '../store/use-bridge.ts';

type Scan = ScanProgress & { running: boolean };

const STEP_KEYS = {
  'read-settings': 'discovery.stepReadSettings',
  listen: 'discovery.stepListen',
  configure: 'discovery.stepConfigure',
  'wait-sensor': 'discovery.stepWaitSensor',
  done: 'discovery.stepDone',
} as const;

/** The found list once, then as the core pushes it; scan progress and adopt steps from the same events. */
function useDiscovery() {
  const { transport } = useStore();
  const { connection } = useBridge();
  const [view, setView] = useState<DiscoveryView>();
  const [scan, setScan] = useState<Scan>();
  const [steps, setSteps] = useState<AdoptProgress[]>([]);
  useEffect(() => {
    if (connection !== 'open') return;
    let stopped = false;
    void transport.call('discoveryList').then(
      (list) => !stopped && setView(list),
      () => undefined, // the events bring the list once discovery runs
    );
    const stopEvents = transport.onEvent((event) => {
      if (stopped) return;
      if (event.event === 'discovery') setView(event.data);
      if (event.event === 'discoveryScan') setScan(event.data);
      if (event.event === 'discoveryAdopt') setSteps((s) => [...s, event.data]);
    });
    return () => ((stopped = true), stopEvents());
  }, [transport, connection]);
  return { view, scan, steps, clearSteps: () => setSteps([]) };
}

const yes = (t: (k: string) => string, value: boolean) => (value ? t('discovery.yes') : t('discovery.no'));

export function DiscoveryPanel() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { transport } = useStore();
  const { view, scan, steps, clearSteps } = useDiscovery();
  const [address, setAddress] = useState('');
  const [probe, setProbe] = useState<ProbeOutcome | { pending: true }>();
  const [subnet, setSubnet] = useState('');
  const [message, setMessage] = useState<string>();
  const [adopting, setAdopting] = useState<FoundDevice>();

  const fail = (e: Error) => setMessage(e.message);
  const probeAddress = (e: FormEvent) => {
    e.preventDefault();
    if (!address.trim()) return;
    setProbe({ pending: true });
    transport.call('discoveryProbe', { address: address.trim() }).then(setProbe, fail);
  };
  const startScan = (e: FormEvent) => {
    e.preventDefault();
    if (!subnet.trim()) return;
    setMessage(undefined);
    transport.call('discoveryScan', { subnet: subnet.trim() }).then((r) => !r.ok && setMessage(r.error.message), fail);
  };
  const translate = (source: FoundMeter['source']) =>
    void transport
      .call('addSource', { source })
      .then((r) => setMessage(r.ok ? t('discovery.added') : r.problems.join('; ')), fail);
  const browse = () =>
    transport
      .call('discoveryBrowseMdns')
      .then(
        (r) => setMessage(r.ok ? t('discovery.mdnsFound', { found: formatNumber(locale, r.found) }) : r.error.message),
        fail,
      );

  return (
    <section className="card" aria-labelledby="discovery-title">
      <h2 id="discovery-title">{t('discovery.title')}</h2>
      <p className="hint">{t('discovery.hint')}</p>
      <form className="other-port" onSubmit={probeAddress}>
        <label>
          {t('discovery.address')}
          <input value={address} onChange={(e) => setAddress(e.target.value)} placeholder="192.168.1.50" />
        </label>
        <button type="submit">{t('discovery.probe')}</button>
      </form>
      {probe && 'pending' in probe && <p role="status">{t('discovery.probing')}</p>}
      {probe && 'ok' in probe && !probe.ok && <p role="alert">{probe.error.message}</p>}
      {probe && 'ok' in probe && probe.ok && (
        <p role="status">{t('discovery.probed', { name: probe.device.name ?? probe.device.hostname ?? address })}</p>
      )}
      <form className="other-port" onSubmit={startScan}>
        <label>
          {t('discovery.subnet')}
          <input value={subnet} onChange={(e) => setSubnet(e.target.value)} placeholder="192.168.1.0/24" />
        </label>
        <button type="submit" disabled={scan?.running}>
          {t('discovery.scan')}
        </button>
        {scan?.running && (
          <button type="button" onClick={() => void transport.call('discoveryStopScan')}>
            {t('discovery.stop')}
          </button>
        )}
        <button type="button" onClick={() => void browse()}>
          {t('discovery.mdns')}
        </button>
      </form>
      {scan && (
        <p role="status">
          <progress max={scan.total} value={scan.done} />{' '}
          {t('discovery.scanProgress', {
            done: formatNumber(locale, scan.done),
            total: formatNumber(locale, scan.total),
            found: formatNumber(locale, scan.found),
          })}
        </p>
      )}
      {message && <p role="alert">{message}</p>}

      <h3 id="discovery-devices">{t('discovery.devices')}</h3>
      {view && view.devices.length === 0 && <p>{t('discovery.devicesNone')}</p>}
      {view && view.devices.length > 0 && (
        <ScrollTable
          labelledBy="discovery-devices"
          headers={[
            t('discovery.name'),
            t('discovery.ip'),
            t('discovery.mac'),
            t('discovery.firmware'),
            t('discovery.fields'),
            t('discovery.brokerTopic'),
            t('discovery.received'),
            t('discovery.action'),
          ]}
        >
          {view.devices.map((d) => (
            <tr key={d.key}>
              <td>{d.name ?? d.hostname ?? '–'}</td>
              <td>{d.ip ? <code>{d.ip}</code> : '–'}</td>
              <td>{d.mac ? <code>{d.mac}</code> : '–'}</td>
              <td>{d.firmware ?? '–'}</td>
              <td>{d.meter ? d.meter.fields.join(', ') : '–'}</td>
              <td>
                <code>{[d.mqttHost ?? d.broker, d.topic].filter(Boolean).join(' · ') || '–'}</code>
              </td>
              <td>{yes(t, d.received)}</td>
              <td>
                {d.ip && (
                  <button
                    type="button"
                    onClick={() => (clearSteps(), setAdopting(d))}
                    aria-label={t('discovery.adoptDevice', { name: d.name ?? d.ip })}
                  >
                    {t('discovery.adopt')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}

      <h3 id="discovery-meters">{t('discovery.meters')}</h3>
      {view && view.meters.length === 0 && <p>{t('discovery.metersNone')}</p>}
      {view && view.meters.length > 0 && (
        <ScrollTable
          labelledBy="discovery-meters"
          headers={[
            t('discovery.kind'),
            t('discovery.meterId'),
            t('discovery.topic'),
            t('discovery.broker'),
            t('discovery.received'),
            t('discovery.action'),
          ]}
        >
          {view.meters.map((m) => (
            <tr key={m.key}>
              <td>{m.kind}</td>
              <td>
                <code>{m.meterId}</code>
              </td>
              <td>
                <code>{m.topic}</code>
              </td>
              <td>
                <code>{m.broker}</code>
              </td>
              <td>{yes(t, m.received)}</td>
              <td>
                {!m.received && (
                  <button
                    type="button"
                    onClick={() => translate(m.source)}
                    aria-label={t('discovery.translateMeter', { id: m.meterId })}
                  >
                    {t('discovery.translate')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
      {adopting && <AdoptDialog device={adopting} steps={steps} onClose={() => setAdopting(undefined)} />}
    </section>
  );
}

/** Names what adopt writes to the device before anything is sent; then its steps and the source it gives. */
function AdoptDialog({ device, steps, onClose }: { device: FoundDevice; steps: AdoptProgress[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { transport } = useStore();
  const dialog = useRef<HTMLDialogElement>(null);
  const address = device.httpPort ? `${device.ip!}:${device.httpPort}` : device.ip!;
  const [host, setHost] = useState(typeof location === 'undefined' ? '' : location.hostname);
  const [port, setPort] = useState('1883');
  /** The embedded broker's address when it listens on this computer only: no device can reach it there. */
  const [loopbackBroker, setLoopbackBroker] = useState<string>();
  const [topic, setTopic] = useState(device.topic ?? '');
  const [result, setResult] = useState<AdoptResult | { pending: true }>();
  const [added, setAdded] = useState<string>();
  useEffect(() => dialog.current?.showModal(), []);
  // The bridge's own broker port: the embedded broker's, or the one in the configured broker URL.
  useEffect(() => {
    let stopped = false;
    transport.call('getConfig').then(
      ({ config }) => {
        if (stopped) return;
        const embedded = config.broker.url === undefined;
        setPort(embedded ? String(config.embeddedBroker.port) : new URL(config.broker.url!).port || '1883');
        if (embedded && isLoopbackHost(config.embeddedBroker.host)) setLoopbackBroker(config.embeddedBroker.host);
      },
      () => undefined, // the user types it
    );
    return () => void (stopped = true);
  }, [transport]);

  const adopt = (e: FormEvent) => {
    e.preventDefault();
    setResult({ pending: true });
    transport
      .call('discoveryAdopt', {
        address,
        mqttHost: host.trim(),
        mqttPort: Number(port),
        ...(topic.trim() ? { topic: topic.trim() } : {}),
      })
      .then(setResult, (err: Error) =>
        setResult({ ok: false, step: 'read-settings', error: { kind: 'device', message: err.message } }),
      );
  };
  const ok = result && 'ok' in result && result.ok ? result : undefined;
  const snippet = ok ? JSON.stringify(ok.source, null, 2) : '';
  const addSource = () =>
    ok &&
    transport.call('addSource', { source: ok.source }).then(
      (r) => setAdded(r.ok ? t('discovery.added') : r.problems.join('; ')),
      (e: Error) => setAdded(e.message),
    );
  const command = `Backlog MqttHost ${host.trim()}; MqttPort ${port}${topic.trim() ? `; Topic ${topic.trim()}` : ''}`;

  return (
    <dialog ref={dialog} aria-labelledby="adopt-title" onClose={onClose}>
      <h3 id="adopt-title">{t('discovery.adoptTitle', { name: device.name ?? address })}</h3>
      {!result && (
        <form onSubmit={adopt}>
          <p>{t('discovery.adoptWarning', { address })}</p>
          {loopbackBroker && (
            <p className="warning" data-warning="loopback-broker">
              {t('discovery.adoptLoopbackBroker', { host: loopbackBroker })} <a href="#/broker">{t('nav.broker')}</a>
            </p>
          )}
          <p>
            <label>
              {t('discovery.mqttHost')}
              <input
                required
                value={host}
                onChange={(e) => setHost(e.target.value)}
                aria-describedby={isLoopbackHost(host) ? 'adopt-host-warning' : undefined}
              />
            </label>
          </p>
          {isLoopbackHost(host) && (
            <p className="warning" id="adopt-host-warning">
              {t('discovery.adoptLoopbackHost', { host: host.trim() })}
            </p>
          )}
          <p>
            <label>
              {t('discovery.mqttPort')}
              <input required inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} />
            </label>
          </p>
          <p>
            <label>
              {t('discovery.topic')}
              <input value={topic} onChange={(e) => setTopic(e.target.value)} />
            </label>
          </p>
          <p>{t('discovery.adoptCommand')}</p>
          <pre>
            <code>{command}</code>
          </pre>
          <p className="hint">
            {t('discovery.adoptBefore', {
              host: device.mqttHost ?? '–',
              port: device.mqttPort ?? '–',
              topic: device.topic ?? '–',
            })}
          </p>
          <button type="submit">{t('discovery.adoptConfirm')}</button>{' '}
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('discovery.cancel')}
          </button>
        </form>
      )}
      {result && (
        <>
          <ol aria-label={t('discovery.steps')}>
            {steps
              .filter((s) => s.address === address)
              .map((s, i) => (
                <li key={i}>
                  {t(STEP_KEYS[s.step])} <span className="hint">{s.detail}</span>
                </li>
              ))}
          </ol>
          {'pending' in result && <p role="status">{t('discovery.adoptRunning')}</p>}
          {'ok' in result && !result.ok && <p role="alert">{result.error.message}</p>}
          {ok && (
            <>
              <p role="status">{t('discovery.adoptDone')}</p>
              <pre>
                <code>{snippet}</code>
              </pre>
              <button type="button" onClick={() => void navigator.clipboard.writeText(snippet)}>
                {t('discovery.copy')}
              </button>{' '}
              <button type="button" onClick={() => void addSource()}>
                {t('discovery.addSource')}
              </button>
              {added && <p role="status">{added}</p>}
            </>
          )}
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('discovery.close')}
          </button>
        </>
      )}
    </dialog>
  );
}
