/**
 * The login of a UI served to the LAN (electron/server/ui-login.ts, docs/api.md) as this browser has it: the page asks
 * before it opens the api, since the server refuses the api socket without the session cookie a good password sets.
 */
export type Session = 'none' | 'needed' | 'loggedIn';

export async function currentSession(): Promise<Session> {
  try {
    const answer = await fetch('/session', { cache: 'no-store' });
    if (!answer.ok) return 'none'; // a server without login (older, or the dev server)
    const session = (await answer.json()) as { required?: unknown; authenticated?: unknown };
    if (session.required !== true) return 'none';
    return session.authenticated === true ? 'loggedIn' : 'needed';
  } catch {
    return 'none';
  }
}

/** Ends this browser's session (its cookie and its open api sockets); true when the server confirmed it. */
export async function logOut(): Promise<boolean> {
  try {
    return (await fetch('/logout', { method: 'POST' })).status === 204;
  } catch {
    return false;
  }
}
