import type { TemplateEvent } from './control.schema.js';
import { graphError, invalidParam, missingParam, shown } from './graph-errors.js';
import { graphId } from './ids.js';

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export interface Template {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: string;
  components: unknown[];
  parameterFormat: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every new WhatsApp Business Account comes with Meta's approved sample template. */
const helloWorld = (wabaId: string): Template => ({
  id: graphId(),
  wabaId,
  name: 'hello_world',
  language: 'en_US',
  category: 'UTILITY',
  status: 'APPROVED',
  parameterFormat: 'POSITIONAL',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
    {
      type: 'BODY',
      text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.',
    },
    { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
  ],
});

/** The template as GET /{waba_id}/message_templates lists it. */
export const toMetaTemplate = (t: Template) => ({
  name: t.name,
  parameter_format: t.parameterFormat,
  components: t.components,
  language: t.language,
  status: t.status,
  category: t.category,
  id: t.id,
});

/** The status a template ends in after a status-update event. */
function statusAfter(event: TemplateEvent, current: string): string {
  switch (event) {
    case 'REINSTATED':
    case 'UNARCHIVED':
      return 'APPROVED';
    case 'FLAGGED':
      return current; // a quality warning, not a status change
    default:
      return event;
  }
}

/** Checks a creation body like Meta does for the fields that matter, in Meta's error shape. */
function parseCreate(body: unknown): Omit<Template, 'id' | 'wabaId' | 'status'> {
  if (!isObj(body)) throw invalidParam('The request body must be a JSON object.');
  const { name, language, category, components, parameter_format } = body;
  if (name === undefined) throw missingParam('name');
  if (typeof name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(name))
    throw invalidParam('Template name can only contain lowercase alphanumeric characters and underscores.');
  if (language === undefined) throw missingParam('language');
  if (typeof language !== 'string' || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language))
    throw invalidParam(`Param language must be a language code such as en_US, got "${shown(language)}".`);
  if (category === undefined) throw missingParam('category');
  const upper = typeof category === 'string' ? category.toUpperCase() : '';
  if (!(TEMPLATE_CATEGORIES as readonly string[]).includes(upper))
    throw invalidParam(`Param category must be one of {${TEMPLATE_CATEGORIES.join(', ')}}.`);
  if (components === undefined) throw missingParam('components');
  if (!Array.isArray(components) || !components.every(isObj))
    throw invalidParam('Param components must be an array of objects.');
  const body_ = components.find((c) => String(c.type).toUpperCase() === 'BODY');
  if (!body_) throw invalidParam('A template needs a BODY component.');
  if (typeof body_.text === 'string' && body_.text.length > 1024)
    throw invalidParam('Param components[BODY][text] must be at most 1024 characters long.');
  return {
    name,
    language,
    category: upper as TemplateCategory,
    components,
    parameterFormat: parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
  };
}

/** Message templates per WhatsApp Business Account. */
export function createTemplateStore() {
  const byWaba = new Map<string, Template[]>();
  const byId = new Map<string, Template>();

  function list(wabaId: string): Template[] {
    let templates = byWaba.get(wabaId);
    if (!templates) {
      const sample = helloWorld(wabaId);
      templates = [sample];
      byWaba.set(wabaId, templates);
      byId.set(sample.id, sample);
    }
    return templates;
  }

  return {
    list: (wabaId: string): Template[] => [...list(wabaId)],
    get: (id: string) => byId.get(id),
    find: (wabaId: string, name: string) => list(wabaId).filter((t) => t.name === name),
    /** New templates wait in PENDING until the control API approves or rejects them. */
    create(wabaId: string, body: unknown): Template {
      const input = parseCreate(body);
      if (list(wabaId).some((t) => t.name === input.name && t.language === input.language)) {
        throw graphError(100, { details: 'Content in this language already exists', subcode: 2388024 });
      }
      const template: Template = { ...input, id: graphId(), wabaId, status: 'PENDING' };
      list(wabaId).push(template);
      byId.set(template.id, template);
      return template;
    },
    /** Deletes every language of a name (or the one id given); returns how many went. */
    remove(wabaId: string, name: string, id?: string): number {
      const doomed = list(wabaId).filter((t) => t.name === name && (!id || t.id === id));
      for (const t of doomed) byId.delete(t.id);
      byWaba.set(
        wabaId,
        list(wabaId).filter((t) => !doomed.includes(t)),
      );
      return doomed.length;
    },
    applyEvent(id: string, event: TemplateEvent): Template | undefined {
      const template = byId.get(id);
      if (template) template.status = statusAfter(event, template.status);
      return template;
    },
  };
}

export type TemplateStore = ReturnType<typeof createTemplateStore>;
