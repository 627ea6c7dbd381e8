import { useEffect, useState, type FC } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n/index.ts';
import { DevicesPage } from '../pages/DevicesPage.tsx';
import { DiagnosticsPage } from '../pages/DiagnosticsPage.tsx';
import { FirstRunPage } from '../pages/FirstRunPage.tsx';
import { MetersPage } from '../pages/MetersPage.tsx';
import { TopicsPage } from '../pages/TopicsPage.tsx';
import { BrokerPage } from '../settings/BrokerPage.tsx';
import { MeterSettingsPage } from '../settings/MeterSettings.tsx';
import { useBridge } from '../store/use-bridge.ts';
import { applyTheme, storedTheme, THEMES, type Theme } from './theme.ts';
import { PAGES, useRoute, type Page } from './use-route.ts';

const PAGE_COMPONENTS: Record<Page, FC> = {
  meters: MetersPage,
  devices: DevicesPage,
  diagnostics: DiagnosticsPage,
  topics: TopicsPage,
  broker: BrokerPage,
  meterSettings: MeterSettingsPage,
};

/** `onLogOut`: the session is a LAN login, which the header's Log out ends (true when the server confirmed it). */
export function App({ onLogOut }: { onLogOut?: () => Promise<boolean> }) {
  const { t, i18n } = useTranslation();
  const [logOutFailed, setLogOutFailed] = useState(false);
  const { connection, bridge } = useBridge();
  const route = useRoute();
  const [theme, setTheme] = useState<Theme>(storedTheme);
  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  const page = route ?? 'meters';
  // With no source configured, the meters page is the first-run page: it explains what to do.
  const firstRun = page === 'meters' && bridge !== undefined && bridge.sources.length === 0;
  const Content = PAGE_COMPONENTS[page];

  return (
    <>
      {/* The hash names the page, so the skip link moves the focus itself instead of following #main. */}
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">{t('app.title')}</span>
        <nav aria-label={t('app.nav')}>
          <ul>
            {PAGES.map((p) => (
              <li key={p}>
                <a href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>
                  {t(`nav.${p}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="controls">
          <p className={`connection ${connection}`} role="status">
            {t(`app.${connection}`)}
          </p>
          <label>
            {t('app.language')}
            <select value={i18n.language} onChange={(e) => void setLanguage(e.target.value as Language)}>
              {LANGUAGES.map((l) => (
                <option key={l.code} value={l.code} lang={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('app.theme')}
            <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
              {THEMES.map((th) => (
                <option key={th} value={th}>
                  {t(`app.theme${th[0]!.toUpperCase()}${th.slice(1)}`)}
                </option>
              ))}
            </select>
          </label>
          {onLogOut && (
            <button
              type="button"
              className="log-out"
              onClick={() => void onLogOut().then((done) => (done ? location.reload() : setLogOutFailed(true)))}
            >
              {t('app.logOut')}
            </button>
          )}
          {logOutFailed && <p role="alert">{t('app.logOutFailed')}</p>}
        </div>
      </header>
      {/* While the bridge is away the last values stay visible, dimmed: they are not live. */}
      <main id="main" tabIndex={-1} className={connection === 'closed' ? 'stale' : undefined}>
        {bridge === undefined ? null : firstRun ? <FirstRunPage /> : <Content />}
      </main>
      {bridge && <footer>{t('app.version', { version: bridge.version })}</footer>}
    </>
  );
}
