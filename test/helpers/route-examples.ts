import { randomBytes } from 'node:crypto';
import type { BodyRefs } from './tenant-rows.js';

const rand = () => randomBytes(5).toString('hex');
const digits = () => String(BigInt(`0x${randomBytes(6).toString('hex')}`)).padStart(15, '1');

/**
 * A valid body for every operation that takes a JSON body, keyed as OpenAPI names the operation.
 * Route sweeps start from these and break one field at a time, so each broken request gets past
 * everything but that field. Fresh unique values on every call, so repeating one never conflicts.
 * Bodies refer only to the caller's own rows (`refs`). A JSON-body route missing here fails the
 * sweeps: add its example when adding the route.
 */
export const EXAMPLE_BODIES: Record<string, (refs: BodyRefs) => unknown> = {
  // Well-formed attempts that the server refuses on their merits (401): what matters is the shape.
  'POST /api/v1/auth/login': () => ({ username: `nobody_${rand()}`, password: 'not-the-password' }),
  'POST /api/v1/auth/refresh': () => ({ refresh_token: `refresh-${rand()}${rand()}` }),
  'POST /api/v1/auth/logout': () => ({}),
  // No setup is pending and MFA is off for the sweeping admin: refused on their merits (400/409).
  'POST /api/v1/auth/mfa/enable': () => ({ code: '123456' }),
  'POST /api/v1/auth/mfa/disable': () => ({ password: 'admin123', code: '123456' }),
  // An address nobody has: accepted (202) and nothing happens.
  'POST /api/v1/auth/forgot-password': () => ({ email: `nobody.${rand()}@example.test` }),
  // Tokens no mail ever carried, and a wrong current password: refused on their merits (400).
  'POST /api/v1/auth/reset-password': () => ({
    token: `reset-${rand()}${rand()}${rand()}`,
    password: 'new pass 123',
  }),
  'POST /api/v1/auth/verify-email': () => ({ token: `verify-${rand()}${rand()}${rand()}` }),
  'POST /api/v1/users/me/password': () => ({
    current_password: 'not-the-password',
    new_password: 'new pass 123',
  }),
  'POST /api/v1/auth/register': () => ({
    tenant_name: `Sweep ${rand()}`,
    name: 'Sweeper',
    email: `sweep.${rand()}@example.test`,
    password: 'correct horse',
  }),
  'POST /api/v1/users': () => ({
    name: 'Swept user',
    username: `swept_${rand()}`,
    password: 'password123',
    role: 'agent',
  }),
  'PATCH /api/v1/users/{id}': () => ({ name: 'Renamed user' }),
  'PATCH /api/v1/users/me': () => ({ name: 'Renamed me' }),
  'PATCH /api/v1/users/me/settings': () => ({ theme: 'dark', notifications: { sound: false } }),
  'PATCH /api/v1/settings': () => ({ timezone: 'Europe/Madrid', auto_assignment: { max_open_per_agent: 5 } }),
  'POST /api/v1/roles': () => ({ name: `swept role ${rand()}`, permissions: ['contacts:read'] }),
  'PATCH /api/v1/roles/{id}': () => ({ permissions: ['contacts:read'] }),
  'POST /api/v1/whatsapp-integration-config': () => ({
    name: 'Swept number',
    phone_number_id: digits(),
    access_token: `EAAG-${rand()}`,
  }),
  'PATCH /api/v1/whatsapp-integration-config/{id}': () => ({ name: 'Renamed number' }),
  'POST /api/v1/meta-whatsapp/webhook/send-message': (r) => ({ conversation_id: r.conversation, text: 'hi' }),
  'POST /api/v1/meta-whatsapp/webhook/send-media': (r) => ({
    conversation_id: r.conversation,
    attachment_id: r.media,
  }),
  'POST /api/v1/tags': () => ({ name: `swept-${rand()}` }),
  'PATCH /api/v1/tags/{id}': () => ({ color: '#123456' }),
  'POST /api/v1/contacts': () => ({ name: 'Swept contact' }),
  'PATCH /api/v1/contacts/{id}': () => ({ name: 'Renamed contact' }),
  'POST /api/v1/contacts/{id}/tags': (r) => ({ tag_ids: [r.tag] }),
  'DELETE /api/v1/contacts/{id}/tags': (r) => ({ tag_ids: [r.tag] }),
  'POST /api/v1/bots': () => ({ name: 'Swept bot' }),
  'PATCH /api/v1/bots/{id}': () => ({ name: 'Renamed bot' }),
  'POST /api/v1/servers': () => ({ name: `server-${rand()}` }),
  'PATCH /api/v1/servers/{id}': () => ({ name: `server-${rand()}` }),
  'POST /api/v1/applications': () => ({ name: `application-${rand()}` }),
  'PATCH /api/v1/applications/{id}': () => ({ name: `application-${rand()}` }),
  'POST /api/v1/devices': () => ({ name: `device-${rand()}` }),
  'PATCH /api/v1/devices/{id}': () => ({ name: `device-${rand()}` }),
  'POST /api/v1/contact-user-accounts': (r) => ({
    contact_id: r.contact,
    username_final: 'customer',
    password_final: 'secret',
    server_id: r.server,
  }),
  'PATCH /api/v1/contact-user-accounts/{id}': () => ({ username_final: 'renamed' }),
  'PUT /api/v1/presence/me': () => ({ status: 'busy' }),
  'POST /api/v1/conversations': (r) => ({ contact_id: r.contact }),
  'PATCH /api/v1/conversations/{id}': () => ({ priority: 'high' }),
  'PATCH /api/v1/conversations/{id}/assign': () => ({}),
  'POST /api/v1/conversations/{id}/transfer': (r) => ({ user_id: r.user }),
  // Private notes: nothing is handed to WhatsApp.
  'POST /api/v1/messages': (r) => ({ conversation_id: r.conversation, body: 'a note', private: true }),
  'PATCH /api/v1/messages/mark-as-read': (r) => ({ message_ids: [r.message] }),
  'PATCH /api/v1/messages/{id}': () => ({ body: 'edited' }),
  'POST /api/v1/messages/{id}/reactions': () => ({ emoji: '🎉' }),
  'POST /api/v1/templates': (r) => ({
    integration_id: r.integration,
    name: `swept_${rand()}`,
    language: 'en_US',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hello' }],
  }),
  'POST /api/v1/templates/sync': (r) => ({ integration_id: r.integration }),
  'POST /simulator/customers/messages': (r) => ({
    phone_number_id: r.phoneNumberId,
    from: r.waId,
    type: 'text',
    text: { body: 'hello again' },
  }),
  'POST /simulator/webhooks/raw': (r) => ({
    phone_number_id: r.phoneNumberId,
    body: { object: 'whatsapp_business_account', entry: [] },
  }),
  'POST /simulator/faults': (r) => ({
    phone_number_id: r.phoneNumberId,
    endpoint: 'media_delete',
    error_code: 131000,
  }),
  'PUT /simulator/recipients': (r) => ({ phone_number_id: r.phoneNumberId, wa_id: r.waId }),
  'POST /simulator/templates/{id}/status': () => ({ event: 'APPROVED' }),
};

/** A value for every required query parameter of the API, by name. */
export const EXAMPLE_QUERIES: Record<string, (refs: BodyRefs) => string> = {
  q: () => 'hello',
  ids: (r) => r.user,
  token: () => 'not-a-signed-token',
  phone_number_id: (r) => r.phoneNumberId,
  wa_id: (r) => r.waId,
};

/** The operation's required query string, from EXAMPLE_QUERIES ('' when it needs none). */
export function exampleQuery(names: string[], refs: BodyRefs): string {
  const missing = names.filter((n) => !EXAMPLE_QUERIES[n]);
  if (missing.length) throw new Error(`add an example for the query parameter(s) ${missing.join(', ')}`);
  const params = new URLSearchParams(names.map((n): [string, string] => [n, EXAMPLE_QUERIES[n]!(refs)]));
  return names.length ? `?${params.toString()}` : '';
}

/** Operations that end the caller's session when they succeed: sweep them with a token of their own. */
export const SPENDS_TOKEN = new Set(['POST /api/v1/auth/logout']);
