/** ../history.test.ts over the desktop app's IPC (use-ipc.ts). */
import './use-ipc.ts';
import '../history.test.ts';
