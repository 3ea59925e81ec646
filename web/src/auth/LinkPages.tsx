import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { accountApi } from '../api/account';
import { navigate, type LinkPage } from '../router';
import { ErrorText } from '../ui/ErrorText';

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="login">
      <section className="login-card" aria-labelledby="link-title">
        <h1 id="link-title">{title}</h1>
        {children}
      </section>
    </main>
  );
}

const toSignIn = (
  <button type="button" className="primary" onClick={() => navigate('/')}>
    Continue
  </button>
);

function ResetPassword({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const reset = useMutation({ mutationFn: () => accountApi.resetPassword(token, password) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(password !== repeat);
    if (password === repeat) reset.mutate();
  };
  if (reset.isSuccess)
    return (
      <Card title="Password changed">
        <p role="status">Your new password is set. Every other session of your account was signed out.</p>
        {toSignIn}
      </Card>
    );
  return (
    <Card title="Choose a new password">
      <form onSubmit={submit}>
        <label>
          New password
          <input
            type="password"
            autoComplete="new-password"
            minLength={8}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <label>
          Repeat the new password
          <input
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
        </label>
        <ErrorText error={mismatch ? 'The two passwords differ.' : reset.error} />
        <button type="submit" className="primary" disabled={reset.isPending}>
          Set the new password
        </button>
      </form>
    </Card>
  );
}

function VerifyEmail({ token }: { token: string }) {
  const verify = useMutation({ mutationFn: () => accountApi.verifyEmail(token) });
  const { mutate } = verify;
  // A link works once: the effect must not run twice (React's strict mode does run it twice).
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    mutate();
  }, [mutate]);
  return (
    <Card title="Email verification">
      {verify.isSuccess && <p role="status">Your email address is verified. Thank you.</p>}
      {verify.isPending && <p className="muted">Checking the link…</p>}
      <ErrorText error={verify.error} />
      {!verify.isPending && toSignIn}
    </Card>
  );
}

/** What a mailed link opens: /reset-password?token= or /verify-email?token=. */
export function LinkPages({ page, token }: { page: LinkPage; token: string }) {
  return page === 'reset-password' ? <ResetPassword token={token} /> : <VerifyEmail token={token} />;
}
