import { useMutation, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useState, type FormEvent } from 'react';
import { accountApi } from '../api/account';
import type { User } from '../api/types';
import { ErrorText } from '../ui/ErrorText';
import { reloadMe } from './refreshMe';

const codeInput = (value: string, onChange: (v: string) => void, label = 'Code from the app') => (
  <label>
    {label}
    <input
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="\d{6}"
      required
      value={value}
      onChange={(e) => onChange(e.target.value.trim())}
    />
  </label>
);

/** Scan, confirm with a first code, then see the recovery codes once. */
export function Enrol({ onDone }: { onDone: () => Promise<void> }) {
  const [code, setCode] = useState('');
  const setup = useMutation({
    mutationFn: async () => {
      const started = await accountApi.mfaSetup();
      return { ...started, qr: await QRCode.toDataURL(started.otpauth_url, { margin: 1, width: 200 }) };
    },
  });
  const enable = useMutation({ mutationFn: () => accountApi.mfaEnable(code) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    enable.mutate();
  };

  if (enable.data)
    return (
      <>
        <p role="status">Two-factor authentication is on.</p>
        <p>
          Keep these recovery codes somewhere safe: each one signs you in once if you lose your phone. They
          are shown only now.
        </p>
        <ul className="recovery-codes" aria-label="Recovery codes">
          {enable.data.recovery_codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <button type="button" className="primary" onClick={() => void onDone()}>
          I saved them
        </button>
      </>
    );
  if (!setup.data)
    return (
      <>
        <p className="muted">Sign-in also asks for a code from an authenticator app on your phone.</p>
        <button type="button" className="primary" disabled={setup.isPending} onClick={() => setup.mutate()}>
          Set up two-factor authentication
        </button>
        <ErrorText error={setup.error} />
      </>
    );
  return (
    <form onSubmit={submit}>
      <p>Scan this code with your authenticator app, then enter the 6-digit code it shows.</p>
      <img src={setup.data.qr} alt="QR code to scan with an authenticator app" width={200} height={200} />
      <p className="hint">
        Cannot scan? Enter this key by hand: <code aria-label="Secret key">{setup.data.secret}</code>
      </p>
      {codeInput(code, setCode)}
      <ErrorText error={enable.error} />
      <button type="submit" className="primary" disabled={enable.isPending}>
        Turn on
      </button>
    </form>
  );
}

function Disable({ onDone }: { onDone: () => Promise<void> }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const disable = useMutation({ mutationFn: () => accountApi.mfaDisable(password, code), onSuccess: onDone });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    disable.mutate();
  };
  return (
    <form onSubmit={submit}>
      <p role="status">Two-factor authentication is on.</p>
      <label>
        Password
        <input
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {codeInput(code, setCode)}
      <ErrorText error={disable.error} />
      <button type="submit" disabled={disable.isPending}>
        Turn off two-factor authentication
      </button>
    </form>
  );
}

export function MfaCard({ me }: { me: User }) {
  const qc = useQueryClient();
  const done = () => reloadMe(qc);
  return (
    <section className="settings-card" aria-label="Two-factor authentication">
      <h2>Two-factor authentication</h2>
      {me.mfa_enabled ? <Disable onDone={done} /> : <Enrol onDone={done} />}
    </section>
  );
}
