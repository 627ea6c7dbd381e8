/** ../discovery.test.ts over the desktop app's IPC (use-ipc.ts). */
import './use-ipc.ts';
import '../discovery.test.ts';
import { skipOverIpc } from './use-ipc.ts';

skipOverIpc([{ test: /^is shot in each language and theme/, why: 'the same pages as over the WebSocket' }]);
