import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type SendMessageInput } from '../api/endpoints';
import type { Template } from '../api/types';
import { keys } from './cache';
import { obj, text } from './content';

export type TemplateBody = NonNullable<SendMessageInput['template']>;

/** The {{1}}, {{2}}… placeholders of a template's body text, in order. */
export function placeholdersOf(t: Template | undefined): string[] {
  const body = t?.components.find((c) => String(obj(c).type).toUpperCase() === 'BODY');
  const matches = (text(obj(body).text) ?? '').match(/\{\{\s*([\w]+)\s*\}\}/g) ?? [];
  return [...new Set(matches.map((m) => m.replace(/[{}\s]/g, '')))];
}

const bodyText = (t: Template | undefined) =>
  text(obj(t?.components.find((c) => String(obj(c).type).toUpperCase() === 'BODY')).text);

function templateBody(name: string, language: string, values: string[]): TemplateBody {
  const parameters = values.map((v) => ({ type: 'text', text: v }));
  return {
    name,
    language: { code: language },
    ...(parameters.length ? { components: [{ type: 'body', parameters }] } : {}),
  };
}

/**
 * A template message, the only kind WhatsApp delivers outside the 24-hour window. Users who manage
 * templates pick from the number's approved ones; others type the name Meta knows it by.
 */
export function TemplatePicker({
  integrationId,
  canList,
  busy,
  onSend,
  onCancel,
}: {
  integrationId: string;
  canList: boolean;
  busy: boolean;
  onSend: (template: TemplateBody) => void;
  onCancel: () => void;
}) {
  const templates = useQuery({
    queryKey: keys.templates(integrationId),
    queryFn: () => api.templates(integrationId),
    enabled: canList,
  });
  const approved = (templates.data?.data ?? []).filter((t) => t.status.toUpperCase() === 'APPROVED');
  const [chosenId, setChosenId] = useState('');
  const [name, setName] = useState('');
  const [language, setLanguage] = useState('en_US');
  const [values, setValues] = useState<string[]>([]);
  const chosen = approved.find((t) => t.id === chosenId);
  const slots = chosen ? placeholdersOf(chosen) : values.map((_, i) => String(i + 1));

  function submit(e: FormEvent) {
    e.preventDefault();
    const filled = slots.map((_, i) => values[i] ?? '');
    onSend(
      chosen
        ? templateBody(chosen.name, chosen.language, filled)
        : templateBody(name.trim(), language.trim(), filled),
    );
  }

  return (
    <form className="template-picker" onSubmit={submit} aria-label="Send a template">
      {canList && approved.length > 0 ? (
        <label>
          Template
          <select value={chosenId} onChange={(e) => (setChosenId(e.target.value), setValues([]))} required>
            <option value="">Choose an approved template…</option>
            {approved.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.language})
              </option>
            ))}
          </select>
        </label>
      ) : (
        <div className="row">
          <label>
            Template name
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              placeholder="hello_world"
            />
          </label>
          <label className="narrow">
            Language
            <input value={language} onChange={(e) => setLanguage(e.target.value)} required />
          </label>
        </div>
      )}
      {chosen && bodyText(chosen) && <p className="template-preview">{bodyText(chosen)}</p>}
      {slots.map((slot, i) => (
        <label key={slot}>
          Parameter {`{{${slot}}}`}
          <input
            value={values[i] ?? ''}
            required
            onChange={(e) => setValues((v) => Object.assign([...v], { [i]: e.target.value }))}
          />
        </label>
      ))}
      <div className="row">
        {!chosen && (
          <button type="button" onClick={() => setValues((v) => [...v, ''])}>
            Add parameter
          </button>
        )}
        <span className="spacer" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="submit"
          className="primary"
          disabled={busy || (canList && approved.length > 0 && !chosen)}
        >
          Send template
        </button>
      </div>
      {templates.isError && (
        <p className="muted small">Templates could not be loaded; type the name instead.</p>
      )}
    </form>
  );
}
