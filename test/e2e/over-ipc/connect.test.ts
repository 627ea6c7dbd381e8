/** ../connect.test.ts over the desktop app's IPC (use-ipc.ts). */
import './use-ipc.ts';
import '../connect.test.ts';
import { skipOverIpc } from './use-ipc.ts';

skipOverIpc([
  {
    test: /\((de|fr|it), (light|dark)\)$|\(en, dark\)$/,
    why: 'the same flow per language and theme: English light shows it works over IPC',
  },
]);
