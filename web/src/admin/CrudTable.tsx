import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Page } from '../api/types';
import { ErrorText } from '../ui/ErrorText';

export interface Column<T> {
  label: string;
  render: (row: T) => ReactNode;
}

export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'color' | 'select';
  options?: readonly string[];
  required?: boolean;
}

/** Form values with the empty ones left out, so optional fields are not sent at all. */
export type Values = Record<string, string>;

export interface CrudSpec<T extends { id: string }> {
  title: string;
  /** "tag", "user": names the create button and the delete confirmation. */
  noun: string;
  queryKey: QueryKey;
  list: () => Promise<Page<T>>;
  columns: Column<T>[];
  nameOf: (row: T) => string;
  /** Without these, the list is read-only. */
  fields?: Field[];
  create?: (values: Values) => Promise<unknown>;
  remove?: (row: T) => Promise<unknown>;
}

const blank = (fields: Field[]): Values =>
  Object.fromEntries(fields.map((f) => [f.name, f.type === 'color' ? '#0e7c66' : '']));

function CreateForm({
  fields,
  noun,
  onCreate,
}: {
  fields: Field[];
  noun: string;
  onCreate: (v: Values) => Promise<unknown>;
}) {
  const [values, setValues] = useState(() => blank(fields));
  const create = useMutation({
    mutationFn: () => onCreate(Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''))),
    // Secrets included: nothing typed stays in the form once it is saved.
    onSuccess: () => setValues(blank(fields)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));
  return (
    <form className="crud-form" onSubmit={submit} aria-label={`New ${noun}`}>
      {fields.map((f) => (
        <label key={f.name}>
          {f.label}
          {f.type === 'select' ? (
            <select
              value={values[f.name]}
              required={f.required}
              onChange={(e) => set(f.name, e.target.value)}
            >
              <option value="">Choose…</option>
              {f.options?.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              type={f.type ?? 'text'}
              value={values[f.name]}
              required={f.required}
              autoComplete={f.type === 'password' ? 'new-password' : 'off'}
              onChange={(e) => set(f.name, e.target.value)}
            />
          )}
        </label>
      ))}
      <button type="submit" className="primary" disabled={create.isPending}>
        Create {noun}
      </button>
      <ErrorText error={create.error} />
    </form>
  );
}

function DeleteButton({ name, onDelete }: { name: string; onDelete: () => Promise<unknown> }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({ mutationFn: onDelete, onSettled: () => setConfirming(false) });
  return (
    <>
      {confirming ? (
        <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
          Confirm delete of {name}
        </button>
      ) : (
        <button type="button" aria-label={`Delete ${name}`} onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
      <ErrorText error={remove.error} />
    </>
  );
}

/** One admin list: the rows as a table, a create form, and delete with a confirmation. */
export function CrudTable<T extends { id: string }>({ spec }: { spec: CrudSpec<T> }) {
  const qc = useQueryClient();
  const rows = useQuery({ queryKey: spec.queryKey, queryFn: spec.list });
  const refresh = () => qc.invalidateQueries({ queryKey: spec.queryKey });
  const { create, remove } = spec;
  return (
    <section className="crud" aria-label={spec.title}>
      <h2>{spec.title}</h2>
      {spec.fields && create && (
        <CreateForm fields={spec.fields} noun={spec.noun} onCreate={(v) => create(v).then(refresh)} />
      )}
      <ErrorText error={rows.error} />
      {rows.isPending ? (
        <p className="muted">Loading…</p>
      ) : rows.data?.data.length === 0 ? (
        <p className="muted">No {spec.noun}s yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              {spec.columns.map((c) => (
                <th key={c.label}>{c.label}</th>
              ))}
              {remove && <th aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {rows.data?.data.map((row) => (
              <tr key={row.id}>
                {spec.columns.map((c) => (
                  <td key={c.label}>{c.render(row)}</td>
                ))}
                {remove && (
                  <td>
                    <DeleteButton name={spec.nameOf(row)} onDelete={() => remove(row).then(refresh)} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
