/** Shown while no source is configured: what to plug in, what to write in the config, and how to try without a meter. */
import { useTranslation } from 'react-i18next';
import { SerialPorts } from '../connect/SerialPorts.tsx';
import { useBridge } from '../store/use-bridge.ts';

// A copy of the example: settings changed in the UI are written into the config file, never into the tracked example.
const SIMULATOR_EXAMPLE = `cp docs/examples/simulated-meter.yaml my-bridge.yaml
npx smartmeter-bridge simulate --meter dsmr5 --to tcp:2001 &
npm start -- --config my-bridge.yaml`;

export function FirstRunPage() {
  const { t } = useTranslation();
  const { bridge } = useBridge();
  const brokerUrl = bridge?.embeddedBroker?.url ?? bridge?.broker.url;
  const configExample = [
    'sources:',
    '  - type: serial',
    `    port: /dev/ttyUSB0        # ${t('firstRun.portComment')}`,
    `    key: 5C3161625F4F4D2A...  # ${t('firstRun.keyComment')}`,
  ].join('\n');
  return (
    <>
      <section className="card first-run" aria-labelledby="first-run-title">
        <h1 id="first-run-title">{t('firstRun.title')}</h1>
        <p>{t('firstRun.intro')}</p>
        <ol className="steps">
          <li>
            {t('firstRun.step1')} <a href="#/devices">{t('firstRun.devices')}</a>
          </li>
          <li>
            {t('firstRun.step2')}
            <pre tabIndex={0} aria-label="bridge.yaml">
              {configExample}
            </pre>
            <p className="hint">{t('firstRun.encrypted')}</p>
          </li>
          <li>{t('firstRun.step3')}</li>
        </ol>
        <h2>{t('firstRun.simulator')}</h2>
        <pre tabIndex={0} aria-label={t('firstRun.simulator')}>
          {SIMULATOR_EXAMPLE}
        </pre>
        {brokerUrl && <p>{t('firstRun.broker', { url: brokerUrl })}</p>}
      </section>
      <p>{t('connect.firstRunHint')}</p>
      <SerialPorts />
    </>
  );
}
