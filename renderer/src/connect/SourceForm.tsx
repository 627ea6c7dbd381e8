/**
 * A serial source added by hand, for what Connect cannot find by listening: a dialect auto-detection leaves out
 * (wireless M-Bus, IEC 62056-21) or a port to name exactly. Wireless M-Bus names its USB stick's framing and, for the
 * sticks the bridge sets up, the radio mode. The core checks the source against the config schema (addSource) and
 * its problems are shown as they come; keys of wireless M-Bus meters are asked per meter once their data arrives.
 */
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  WMBUS_LINK_MODES,
  WMBUS_STICKS,
  type WmbusLinkMode,
  type WmbusStick,
} from '../../../shared/protocols/wmbus/sticks/names.ts';
import { useStore } from '../store/use-bridge.ts';
import { ChoiceField } from './ChoiceField.tsx';
import { CodeField } from './CodeField.tsx';

const PROTOCOLS = ['auto', 'dsmr', 'dlms', 'mbus', 'sml', 'iec62056-21', 'wmbus'] as const;
type Protocol = (typeof PROTOCOLS)[number];

type Adding = { state: 'idle' | 'adding' | 'added' } | { state: 'refused'; message: string };

export function SourceForm() {
  const { t } = useTranslation();
  const { transport } = useStore();
  const titleId = useId();
  const [port, setPort] = useState('');
  const [protocol, setProtocol] = useState<Protocol>('auto');
  const [stick, setStick] = useState<WmbusStick>('im871a');
  const [linkMode, setLinkMode] = useState<WmbusLinkMode>('T1');
  const [adding, setAdding] = useState<Adding>({ state: 'idle' });
  const wmbus = protocol === 'wmbus';
  // A raw stick is set up with its own tool: the bridge writes nothing to it, so it has no radio mode to set.
  const setsUp = wmbus && stick !== 'raw';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAdding({ state: 'adding' });
    const source = {
      type: 'serial' as const,
      port: port.trim(),
      protocol,
      ...(wmbus && { stick }),
      ...(setsUp && { linkMode }),
    };
    transport.call('addSource', { source }).then(
      (result) => setAdding(result.ok ? { state: 'added' } : { state: 'refused', message: result.problems.join('; ') }),
      (error: Error) => setAdding({ state: 'refused', message: error.message }),
    );
  };

  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('sourceForm.title')}</h2>
      <p className="hint">{t('sourceForm.intro')}</p>
      <form className="key-form source-form" onSubmit={submit} noValidate>
        <CodeField
          label={t('sourceForm.port')}
          name="port"
          value={port}
          onChange={setPort}
          placeholder="/dev/ttyUSB0, COM3"
          required
        />
        <ChoiceField
          label={t('sourceForm.protocol')}
          name="protocol"
          value={protocol}
          choices={PROTOCOLS}
          choiceLabel={(p) => t(`sourceForm.protocol_${p}`)}
          onChange={setProtocol}
        />
        {wmbus && (
          <>
            <ChoiceField
              label={t('sourceForm.stick')}
              name="stick"
              value={stick}
              choices={WMBUS_STICKS}
              choiceLabel={(s) => t(`sourceForm.stick_${s}`)}
              onChange={setStick}
              hint={t('sourceForm.stickHint')}
            />
            {setsUp && (
              <ChoiceField
                label={t('sourceForm.linkMode')}
                name="linkMode"
                value={linkMode}
                choices={WMBUS_LINK_MODES}
                choiceLabel={(m) => m}
                onChange={setLinkMode}
                hint={t('sourceForm.linkModeHint')}
              />
            )}
            <p className="hint">{t('sourceForm.wmbusKeys')}</p>
          </>
        )}
        <button type="submit" disabled={adding.state === 'adding' || port.trim() === ''}>
          {t(adding.state === 'adding' ? 'connect.adding' : 'sourceForm.add')}
        </button>
      </form>
      <div aria-live="polite">
        {adding.state === 'added' && (
          <p role="status">
            {t('sourceForm.added')} <a href="#/meters">{t('connect.metersLink')}</a>
          </p>
        )}
        {adding.state === 'refused' && <p role="alert">{t('connect.addRefused', { message: adding.message })}</p>}
      </div>
    </section>
  );
}
