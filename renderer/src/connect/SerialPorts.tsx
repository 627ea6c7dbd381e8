/**
 * The serial ports on this machine (meter adapters first), each with Connect, and a field for a port the list does
 * not show (a built-in UART, a pty); Connect opens the flow below the list, one port at a time.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SerialPortView } from '../../../shared/api.ts';
import { ScrollTable } from '../components/ScrollTable.tsx';
import { useBridge, useStore } from '../store/use-bridge.ts';
import { CodeField } from './CodeField.tsx';
import { ConnectFlow } from './ConnectFlow.tsx';

/** The core pushes plugged and unplugged ports for 10 minutes after each request: asked again well before. */
const PORT_RENEW_MS = 60_000;

type Ports = { ports: SerialPortView[] } | { error: string } | undefined;

/**
 * The port Connect opens: `path` is what the source keeps; `device` what the probe listens on. They differ for a
 * configured link outside /dev (a socat pty's name, which stays when socat makes a new pty): the probe takes
 * devices only, the link's pty.
 */
interface Connecting {
  path: string;
  device: string;
}

const sorted = (ports: SerialPortView[]) => [...ports].sort((a, b) => +b.likelyMeterAdapter - +a.likelyMeterAdapter);

/** The list once, then as the core pushes it when an adapter is plugged in or out. */
function usePorts(): Ports {
  const { transport } = useStore();
  const { connection } = useBridge();
  const [ports, setPorts] = useState<Ports>();
  useEffect(() => {
    if (connection !== 'open') return;
    let stopped = false;
    const refresh = () =>
      transport.call('listSerialPorts').then(
        (list) => !stopped && setPorts({ ports: sorted(list) }),
        (e: Error) => !stopped && setPorts({ error: e.message }),
      );
    void refresh();
    const timer = setInterval(refresh, PORT_RENEW_MS);
    const stopEvents = transport.onEvent((event) => {
      if (event.event === 'serialPorts' && !stopped) setPorts({ ports: sorted(event.data) });
    });
    return () => ((stopped = true), clearInterval(timer), stopEvents());
  }, [transport, connection]);
  return ports;
}

export function SerialPorts() {
  const { t } = useTranslation();
  const ports = usePorts();
  const [connecting, setConnecting] = useState<Connecting>();
  const [other, setOther] = useState('');
  const connectOther = (e: FormEvent) => {
    e.preventDefault();
    if (other.trim()) setConnecting({ path: other.trim(), device: other.trim() });
  };
  return (
    <>
      <section className="card" aria-labelledby="ports-title">
        <h2 id="ports-title">{t('devices.ports')}</h2>
        <p className="hint">{t('devices.portsHint')}</p>
        {ports && 'error' in ports && <p role="alert">{t('devices.portsError', { message: ports.error })}</p>}
        {ports && 'ports' in ports && ports.ports.length === 0 && <p>{t('devices.portsNone')}</p>}
        {ports && 'ports' in ports && ports.ports.length > 0 && (
          <ScrollTable
            labelledBy="ports-title"
            headers={[
              t('devices.path'),
              t('devices.device'),
              t('devices.manufacturer'),
              t('devices.chip'),
              t('connect.action'),
            ]}
          >
            {ports.ports.map((p) => (
              <tr key={p.path}>
                <td>
                  <code>{p.path}</code>
                  {p.likelyMeterAdapter && <span className="badge ok">{t('devices.likelyAdapter')}</span>}
                  {p.configured && <span className="badge">{t('devices.configured')}</span>}
                </td>
                <td>
                  <code>{p.device}</code>
                </td>
                <td>{p.manufacturer ?? '–'}</td>
                <td>{p.chip ?? '–'}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => setConnecting({ path: p.path, device: p.configured ? p.device : p.path })}
                    aria-label={t('connect.connectPort', { path: p.path })}
                  >
                    {t('connect.connect')}
                  </button>
                </td>
              </tr>
            ))}
          </ScrollTable>
        )}
        <form className="other-port" onSubmit={connectOther}>
          <CodeField
            label={t('connect.otherPort')}
            name="port"
            value={other}
            onChange={setOther}
            placeholder="/dev/ttyAMA0, COM3"
          />
          <button type="submit">{t('connect.connect')}</button>
        </form>
      </section>
      {connecting && (
        <ConnectFlow
          key={connecting.path}
          path={connecting.path}
          device={connecting.device}
          onClose={() => setConnecting(undefined)}
        />
      )}
    </>
  );
}
