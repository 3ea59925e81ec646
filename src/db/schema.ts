// Every drizzle table of every feature, for the client's relational queries and drizzle-kit.
export * from '../features/tenants/tenants.table.js';
export * from '../features/roles/roles.table.js';
export * from '../features/users/users.table.js';
export * from '../features/auth/auth.table.js';
export * from '../features/auth/mfa.table.js';
export * from '../features/tags/tags.table.js';
export * from '../features/contacts/contacts.table.js';
export * from '../features/integrations/integrations.table.js';
export * from '../features/bots/bots.table.js';
export * from '../features/media/media.table.js';
export * from '../features/conversations/conversations.table.js';
export * from '../features/messages/messages.table.js';
export * from '../features/catalog/catalog.table.js';
export * from '../features/webhooks/webhooks.table.js';
export * from '../features/audit/audit.table.js';
export * from '../features/templates/templates.table.js';
export * from '../features/settings/settings.table.js';
