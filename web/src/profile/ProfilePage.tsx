import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { accountApi } from '../api/account';
import {
  mySettingsKey,
  settingsApi,
  type Theme,
  type UserSettings,
  type UserSettingsPatch,
} from '../api/settings';
import type { User } from '../api/types';
import { navigate } from '../router';
import { ErrorText } from '../ui/ErrorText';
import { MfaCard } from './MfaCard';
import { PasswordCard } from './PasswordCard';
import { SessionsCard } from './SessionsCard';
import { storeMe } from './refreshMe';

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Same as the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const LANGUAGES: { value: string; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Español' },
  { value: 'pt-BR', label: 'Português (Brasil)' },
  { value: 'fr', label: 'Français' },
  { value: 'de', label: 'Deutsch' },
  { value: 'it', label: 'Italiano' },
  { value: 'hi', label: 'हिन्दी' },
];

const NOTIFICATIONS: { key: keyof UserSettings['notifications']; label: string }[] = [
  { key: 'desktop', label: 'Desktop notifications' },
  { key: 'sound', label: 'Sound' },
  { key: 'email', label: 'Email notifications' },
];

/** Name, email and phone number, saved together with PATCH /users/me. */
function ProfileForm({ me }: { me: User }) {
  const qc = useQueryClient();
  const [values, setValues] = useState({
    name: me.name,
    email: me.email ?? '',
    phone_number: me.phone_number ?? '',
  });
  const save = useMutation({
    mutationFn: () =>
      settingsApi.updateMe({
        name: values.name.trim(),
        email: values.email.trim() || null,
        phone_number: values.phone_number.trim() || null,
      }),
    onSuccess: (user) => {
      storeMe(qc, user);
      setValues({ name: user.name, email: user.email ?? '', phone_number: user.phone_number ?? '' });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const field = (name: keyof typeof values, label: string, type = 'text') => (
    <label>
      {label}
      <input
        type={type}
        value={values[name]}
        onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
        required={name === 'name'}
      />
    </label>
  );
  return (
    <form className="settings-card" aria-label="Profile" onSubmit={submit}>
      <h2>Profile</h2>
      {field('name', 'Name')}
      {field('email', 'Email', 'email')}
      {me.email && <EmailState verified={me.email_verified} />}
      {field('phone_number', 'Phone number', 'tel')}
      <p className="hint">Phone numbers are stored in international form, e.g. +34 612 34 56 78.</p>
      <div className="settings-actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save profile
        </button>
        {save.isSuccess && <span role="status">Saved</span>}
      </div>
      <ErrorText error={save.error} />
    </form>
  );
}

/** Whether the address is proven, and a way to get the link again. */
function EmailState({ verified }: { verified: boolean }) {
  const resend = useMutation({ mutationFn: accountApi.resendVerification });
  if (verified) return <p className="hint">Email verified.</p>;
  return (
    <div className="hint">
      Email not verified yet: follow the link we mailed you.{' '}
      {resend.isSuccess ? (
        <span role="status">A new link is on its way.</span>
      ) : (
        <button type="button" className="link" disabled={resend.isPending} onClick={() => resend.mutate()}>
          Send the link again
        </button>
      )}
      <ErrorText error={resend.error} />
    </div>
  );
}

/** Theme, language and notifications: each change is saved at once (PATCH /users/me/settings). */
function PreferencesForm() {
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: mySettingsKey, queryFn: settingsApi.mine });
  // Optimistic: a switch flips at once; a refused change puts the previous settings back.
  const save = useMutation({
    mutationFn: settingsApi.updateMine,
    onMutate: async (change: UserSettingsPatch) => {
      await qc.cancelQueries({ queryKey: mySettingsKey });
      const previous = qc.getQueryData<UserSettings>(mySettingsKey);
      if (previous) {
        qc.setQueryData<UserSettings>(mySettingsKey, {
          ...previous,
          ...change,
          notifications: { ...previous.notifications, ...change.notifications },
        });
      }
      return { previous };
    },
    onError: (_err, _change, context) => {
      if (context?.previous) qc.setQueryData(mySettingsKey, context.previous);
    },
    onSuccess: (next) => qc.setQueryData(mySettingsKey, next),
  });
  const current = settings.data;
  if (!current) return <ErrorText error={settings.error} />;
  return (
    <section className="settings-card" aria-label="Preferences">
      <h2>Preferences</h2>
      <label>
        Theme
        <select
          value={current.theme}
          onChange={(e) => {
            save.mutate({ theme: e.target.value as Theme });
          }}
        >
          {THEMES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Language
        <select value={current.language} onChange={(e) => save.mutate({ language: e.target.value })}>
          {[...new Set([current.language, ...LANGUAGES.map((l) => l.value)])].map((value) => (
            <option key={value} value={value}>
              {LANGUAGES.find((l) => l.value === value)?.label ?? value}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Notifications</legend>
        {NOTIFICATIONS.map((n) => (
          <label key={n.key} className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={current.notifications[n.key]}
              onChange={(e) => save.mutate({ notifications: { [n.key]: e.target.checked } })}
            />
            {n.label}
          </label>
        ))}
      </fieldset>
      <ErrorText error={save.error} />
    </section>
  );
}

/** The caller's own page: profile and preferences. */
export function ProfilePage({ me }: { me: User }) {
  return (
    <div className="settings-page">
      <header className="settings-header">
        <button type="button" className="link" onClick={() => navigate('/')}>
          ← Inbox
        </button>
        <h1>Your profile</h1>
      </header>
      <ProfileForm me={me} />
      <PreferencesForm />
      <PasswordCard />
      <MfaCard me={me} />
      {/* Last: its list arrives later, and nothing below it should move when it does. */}
      <SessionsCard />
    </div>
  );
}
