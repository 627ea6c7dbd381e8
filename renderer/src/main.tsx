/**
 * The page's entry: languages, the api transport (the desktop app's IPC when its preload put one into the page, else
 * the WebSocket of the server that served the page), the store, the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { desktopApi, ipcTransport } from './api/ipc-transport.ts';
import { websocketTransport, apiUrl } from './api/websocket-transport.ts';
import { App } from './app/App.tsx';
import { applyTheme, storedTheme } from './app/theme.ts';
import { initI18n } from './i18n/index.ts';
import { currentSession, logOut } from './app/session.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { BridgeStore } from './store/bridge-store.ts';
import { StoreContext } from './store/use-bridge.ts';
import './styles.css';

// The theme before the first paint (no flash of light); the app then keeps it, and follows the system.
applyTheme(storedTheme())();
await initI18n();
const desktop = desktopApi();
const root = createRoot(document.getElementById('root')!);
// A UI served to the LAN asks for its password first: the server refuses the api socket until then.
const session = desktop ? 'none' : await currentSession();
if (session === 'needed') {
  root.render(
    <StrictMode>
      <LoginPage onLoggedIn={() => location.reload()} />
    </StrictMode>,
  );
} else {
  const store = new BridgeStore(desktop ? ipcTransport(desktop) : websocketTransport(apiUrl(location)));
  // A session that ended (expired, logged out elsewhere, the server restarted) shows the login again, not endless retries.
  if (!desktop) {
    store.transport.onConnection((state) => {
      if (state === 'closed') void currentSession().then((now) => now === 'needed' && location.reload());
    });
  }
  root.render(
    <StrictMode>
      <StoreContext value={store}>
        <App onLogOut={session === 'loggedIn' ? logOut : undefined} />
      </StoreContext>
    </StrictMode>,
  );
}
