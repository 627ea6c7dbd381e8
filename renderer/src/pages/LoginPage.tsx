/** The login page of a UI served to the LAN (app/session.ts): shown before the api is opened. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const answer = await fetch('/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ password }),
      });
      if (answer.status === 204) return onLoggedIn();
      setProblem(
        answer.status === 401
          ? t('login.wrong')
          : answer.status === 429
            ? t('login.wait', { seconds: Number(answer.headers.get('Retry-After')) || 1 })
            : t('login.failed', { status: answer.status }),
      );
    } catch {
      setProblem(t('login.unreachable'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <h1>{t('app.title')}</h1>
      <form className="card" onSubmit={(e) => void submit(e)} aria-describedby="login-hint">
        <p id="login-hint" className="hint">
          {t('login.intro')}
        </p>
        <label htmlFor="login-password">{t('login.password')}</label>{' '}
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'login-problem' : undefined}
        />{' '}
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
        {problem && (
          <p id="login-problem" role="alert">
            {problem}
          </p>
        )}
      </form>
    </main>
  );
}
