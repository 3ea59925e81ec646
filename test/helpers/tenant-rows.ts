import { eventually } from '../../src/whatsapp/outbound/outbound.test-helpers.js';
import { image } from '../media/fixtures.js';
import { uploadOne } from '../media/upload.js';
import { connectNumber, type ListeningApp } from './listening-app.js';

/**
 * Real rows of one tenant, one of every kind a path parameter can name, keyed by the parameter's
 * context (see `paramContext`): `users` -> a user id, `phone` -> a contact's number, ... Route
 * sweeps call every parameterised route with these; a route whose context is missing here fails
 * its sweep, so a new kind of id has to be added below.
 */
export type TenantRows = Record<string, string>;

/** What example bodies may refer to: ids of the caller's own tenant. */
export interface BodyRefs {
  user: string;
  tag: string;
  contact: string;
  conversation: string;
  message: string;
  media: string;
  server: string;
  integration: string;
  phoneNumberId: string;
  waId: string;
}

type Api = <T = Record<string, unknown>>(method: string, url: string, payload?: unknown) => Promise<T>;

/** The API as a tenant's admin, failing loudly on anything but 2xx. */
export function adminApi(t: ListeningApp, token: string): Api {
  return async <T>(method: string, url: string, payload?: unknown) => {
    const res = await t.request({
      method: method,
      url: `/api/v1${url}`,
      token,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} -> ${res.statusCode} ${res.body}`);
    return (res.body ? res.json() : {}) as T;
  };
}

interface Page<T> {
  data: T[];
}

/**
 * Fills the admin's tenant through the real API and the simulator: a customer writes in over a
 * connected number (webhook event, contact, conversation, message), then one row of every other kind.
 */
export async function tenantWithEveryRow(
  t: ListeningApp,
  token: string,
): Promise<{ rows: TenantRows; refs: BodyRefs }> {
  const api = adminApi(t, token);
  const number = await connectNumber(t, token);
  const integrations = await api<Page<{ id: string; phone_number_id: string }>>(
    'GET',
    '/whatsapp-integration-config',
  );
  const integration = integrations.data.find((i) => i.phone_number_id === number.phone_number_id)!.id;

  // A possible Spanish mobile number (+34 612 xxx xxx).
  const waId = `34612${String(Date.now()).slice(-6)}`;
  const inbound = await t.request({
    method: 'POST',
    url: '/simulator/customers/messages',
    token,
    payload: { phone_number_id: number.phone_number_id, from: waId, type: 'text', text: { body: 'hello' } },
  });
  if (inbound.statusCode !== 201) throw new Error(`customer message: ${inbound.statusCode} ${inbound.body}`);
  const conversation = await eventually(async () => {
    const page = await api<Page<{ id: string; contact: { id: string } }>>(
      'GET',
      `/conversations?integration_id=${integration}`,
    );
    return page.data[0];
  });
  const message = await eventually(async () => {
    const page = await api<Page<{ id: string }>>('GET', `/messages/conversation/${conversation.id}`);
    return page.data[0];
  });
  const contact = await api<{ id: string; external_id: string; phone_number: string }>(
    'GET',
    `/contacts/${conversation.contact.id}`,
  );
  const event = (await api<Page<{ id: string }>>('GET', '/webhook-events')).data[0]!;

  const name = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  const emoji = '👍';
  await api('POST', `/messages/${message.id}/reactions`, { emoji });
  const user = await t.createUser('agent');
  const role = await api<{ id: string }>('POST', '/roles', { name: name('role'), permissions: [] });
  const tag = await api<{ id: string }>('POST', '/tags', { name: name('tag') });
  await api('POST', `/contacts/${contact.id}/tags`, { tag_ids: [tag.id] });
  const bot = await api<{ id: string }>('POST', '/bots', { name: name('bot') });
  const catalog: Record<string, string> = {};
  for (const kind of ['servers', 'applications', 'devices']) {
    catalog[kind] = (await api<{ id: string }>('POST', `/${kind}`, { name: name(kind) })).id;
  }
  const account = await api<{ id: string }>('POST', '/contact-user-accounts', {
    contact_id: contact.id,
    username_final: 'customer',
    password_final: 'secret',
    server_id: catalog.servers,
  });
  const media = await uploadOne(t, token, 'image', { name: 'photo.png', data: await image('png') });
  const template = await api<{ id: string; meta_template_id: string }>('POST', '/templates', {
    integration_id: integration,
    name: name('sweep'),
    language: 'en_US',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hello there' }],
  });

  // The caller's own session: only its owner may see or end it.
  const sessions = await api<Page<{ id: string; current: boolean }>>('GET', '/auth/sessions');

  const rows: TenantRows = {
    users: user.id,
    sessions: sessions.data.find((s) => s.current)!.id,
    roles: role.id,
    'whatsapp-integration-config': integration,
    'webhook-events': event.id,
    tags: tag.id,
    'by-tag': tag.id,
    contacts: contact.id,
    'external-id': contact.external_id,
    phone: contact.phone_number,
    bots: bot.id,
    ...catalog,
    'contact-user-accounts': account.id,
    media: media.id,
    conversations: conversation.id,
    conversation: conversation.id,
    messages: message.id,
    reactions: emoji,
    templates: template.id,
    'simulator/templates': template.meta_template_id,
  };
  const refs: BodyRefs = {
    user: user.id,
    tag: tag.id,
    contact: contact.id,
    conversation: conversation.id,
    message: message.id,
    media: media.id,
    server: catalog.servers!,
    integration,
    phoneNumberId: number.phone_number_id,
    waId,
  };
  return { rows, refs };
}
