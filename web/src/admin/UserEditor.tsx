import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { adminApi } from '../api/admin';
import type { User } from '../api/types';
import { ErrorText } from '../ui/ErrorText';

/**
 * An admin's edit of one user: name, email, phone and, when filled in, a new password (which
 * signs the user out everywhere). Empty email or phone clears it.
 */
export function UserEditor({ user, listKey }: { user: User; listKey: QueryKey }) {
  const qc = useQueryClient();
  const initial = {
    name: user.name,
    email: user.email ?? '',
    phone_number: user.phone_number ?? '',
    password: '',
  };
  const [values, setValues] = useState(initial);
  const save = useMutation({
    mutationFn: () =>
      adminApi.updateUser(user.id, {
        name: values.name.trim(),
        email: values.email.trim() || null,
        phone_number: values.phone_number.trim() || null,
        ...(values.password ? { password: values.password } : {}),
      }),
    onSuccess: () => {
      setValues((v) => ({ ...v, password: '' }));
      return qc.invalidateQueries({ queryKey: listKey });
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
        required={name === 'name'}
        minLength={name === 'password' ? 8 : undefined}
        autoComplete={name === 'password' ? 'new-password' : 'off'}
        onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
      />
    </label>
  );
  return (
    <details className="user-editor">
      <summary aria-label={`Edit ${user.username}`}>Edit</summary>
      <form className="crud-form" aria-label={`Edit ${user.username}`} onSubmit={submit}>
        {field('name', 'Name')}
        {field('email', 'Email', 'email')}
        {field('phone_number', 'Phone number', 'tel')}
        {field('password', 'New password (signs them out)', 'password')}
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
        {save.isSuccess && <span role="status">Saved</span>}
        <ErrorText error={save.error} />
      </form>
    </details>
  );
}

/** Deactivating signs the user out everywhere and blocks login; reactivating lets them back in. */
export function ActiveSwitch({ user, listKey }: { user: User; listKey: QueryKey }) {
  const qc = useQueryClient();
  const active = user.active !== false;
  const toggle = useMutation({
    mutationFn: () => adminApi.updateUser(user.id, { active: !active }),
    onSuccess: () => qc.invalidateQueries({ queryKey: listKey }),
  });
  return (
    <>
      <button
        type="button"
        aria-label={`${active ? 'Deactivate' : 'Reactivate'} ${user.username}`}
        disabled={toggle.isPending}
        onClick={() => toggle.mutate()}
      >
        {active ? 'Deactivate' : 'Reactivate'}
      </button>
      <ErrorText error={toggle.error} />
    </>
  );
}
