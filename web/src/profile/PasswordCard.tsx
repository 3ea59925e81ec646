import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { accountApi } from '../api/account';
import { ErrorText } from '../ui/ErrorText';

/** POST /users/me/password: this session stays, every other one is signed out. */
export function PasswordCard() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () => accountApi.changePassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate();
  };
  return (
    <form className="settings-card" aria-label="Password" onSubmit={submit}>
      <h2>Password</h2>
      <label>
        Current password
        <input
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </label>
      <label>
        New password
        <input
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
      </label>
      <p className="hint">At least 8 characters. Your other sessions are signed out.</p>
      <div className="settings-actions">
        <button type="submit" className="primary" disabled={change.isPending}>
          Change password
        </button>
        {change.isSuccess && <span role="status">Password changed</span>}
      </div>
      <ErrorText error={change.error} />
    </form>
  );
}
