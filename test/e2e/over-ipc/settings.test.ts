/** ../settings.test.ts over the desktop app's IPC (use-ipc.ts). */
import './use-ipc.ts';
import '../settings.test.ts';
import { skipOverIpc } from './use-ipc.ts';

skipOverIpc([{ test: /^saves screenshots/, why: 'the same pages as over the WebSocket' }]);
