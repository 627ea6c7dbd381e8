/** ../ui.test.ts over the desktop app's IPC (use-ipc.ts). */
import './use-ipc.ts';
import '../ui.test.ts';
import { skipOverIpc } from './use-ipc.ts';

skipOverIpc([
  {
    test: /^says when the bridge is gone/,
    why: 'the WebSocket reconnecting: over IPC the core lives in the app, there is no connection to lose',
  },
  { test: /^talks to the core through the preload/, why: 'it plays a preload of its own; here the real one runs' },
  { test: /^saves a screenshot of every page/, why: 'the same pages as over the WebSocket' },
  { test: /axe-core violation on any page \(dark\)/, why: 'the theme does not depend on the transport (light runs)' },
]);
