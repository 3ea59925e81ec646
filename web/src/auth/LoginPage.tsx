import { useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import { ApiError } from '../api/http';
import { session } from '../api/session';
import { ErrorText } from '../ui/ErrorText';
import { ForgotPassword } from './ForgotPassword';

/** The server asks for a code when the account has two-factor authentication on. */
const asksForMfa = (err: unknown) =>
  err instanceof ApiError &&
  (err.code === 'MFA_REQUIRED' || /mfa|two-factor|one-time code/i.test(err.message));

export function LoginPage() {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [forgot, setForgot] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const who = login.includes('@') ? { email: login.trim() } : { username: login.trim() };
      const res = await api.login({ ...who, password, ...(needsCode ? { mfa_code: code } : {}) });
      // The login answer has no permissions; /auth/me has them (role_detail).
      const user = await api.me(res.access_token);
      session.start({
        access_token: res.access_token,
        refresh_token: res.refresh_token,
        user,
        mfa_setup_required: res.mfa_setup_required ?? false,
      });
    } catch (err) {
      if (asksForMfa(err) && !needsCode) {
        setNeedsCode(true);
        setError('Enter the 6-digit code from your authenticator app.');
      } else {
        setError(err instanceof Error ? err.message : 'Login failed.');
      }
      setBusy(false);
    }
  }

  if (forgot)
    return (
      <main className="login">
        <ForgotPassword onBack={() => setForgot(false)} />
      </main>
    );
  return (
    <main className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          ApiCeChat
        </h1>
        <p className="muted">Sign in to the team inbox</p>
        <label>
          Username or email
          <input
            name="username"
            autoComplete="username"
            autoFocus
            required
            value={login}
            onChange={(e) => setLogin(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {needsCode && (
          <label>
            Authentication code
            <input
              name="mfa_code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
        )}
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <button type="button" className="link" onClick={() => setForgot(true)}>
          Forgot password?
        </button>
      </form>
    </main>
  );
}
