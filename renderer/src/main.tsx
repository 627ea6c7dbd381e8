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
import { BridgeStore } from './store/bridge-store.ts';
import { StoreContext } from './store/use-bridge.ts';
import './styles.css';

// The theme before the first paint (no flash of light); the app then keeps it, and follows the system.
applyTheme(storedTheme())();
await initI18n();
const desktop = desktopApi();
const store = new BridgeStore(desktop ? ipcTransport(desktop) : websocketTransport(apiUrl(location)));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext value={store}>
      <App />
    </StoreContext>
  </StrictMode>,
);
