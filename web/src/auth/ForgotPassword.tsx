import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { accountApi } from '../api/account';
import { ErrorText } from '../ui/ErrorText';

/** Asks for a reset link. The answer is the same whether or not the address has an account. */
export function ForgotPassword({ onBack }: { onBack: () => void }) {
  const [email, setEmail] = useState('');
  const ask = useMutation({ mutationFn: () => accountApi.forgotPassword(email.trim()) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    ask.mutate();
  };
  return (
    <form className="login-card" onSubmit={submit} aria-labelledby="forgot-title">
      <h1 id="forgot-title">Reset your password</h1>
      {ask.isSuccess ? (
        <p role="status">
          If an account uses {email.trim()}, a mail with a link to choose a new password is on its way. The
          link works once, for one hour.
        </p>
      ) : (
        <>
          <p className="muted">Enter the email address of your account: we mail you a link.</p>
          <label>
            Email
            <input
              type="email"
              autoComplete="email"
              autoFocus
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <ErrorText error={ask.error} />
          <button type="submit" className="primary" disabled={ask.isPending}>
            Mail me a link
          </button>
        </>
      )}
      <button type="button" className="link" onClick={onBack}>
        Back to sign in
      </button>
    </form>
  );
}
