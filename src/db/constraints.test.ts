import { and, eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createBot,
  createContact,
  createConversation,
  createIntegration,
  createMessage,
  createTenant,
  createUser,
} from '../../test/helpers/factories.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import type { Database, Db, Executor } from './client.js';
import {
  contactUserAccounts,
  contacts,
  conversations,
  messageReactions,
  messages,
  messageTypes,
  servers,
  tags,
  tenants,
  users,
  whatsappIntegrations,
  type Tenant,
} from './schema.js';

/** The SQLSTATE and constraint name of the error a statement failed with (through drizzle's wrapper). */
async function rejection(statement: PromiseLike<unknown>): Promise<{ code?: string; constraint?: string }> {
  try {
    await statement;
  } catch (err) {
    for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
      const { code, constraint, cause } = e as { code?: unknown; constraint?: unknown; cause?: unknown };
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
        return { code, constraint: typeof constraint === 'string' ? constraint : undefined };
      }
      e = cause;
    }
    throw err;
  }
  throw new Error('expected the statement to be rejected, it succeeded');
}

const CHECK = '23514';
const UNIQUE = '23505';
const FOREIGN_KEY = '23503';

async function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

describe('database constraints', () => {
  let database: Database;
  let db: Db;
  let tenant: Tenant;
  let otherTenant: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    tenant = await createTenant(db);
    otherTenant = await createTenant(db);
  });

  describe('conversations', () => {
    it('rejects a conversation assigned to a user and a bot at once', async () => {
      const user = await createUser(db, tenant.id);
      const bot = await createBot(db, tenant.id);
      const error = await rejection(
        createConversation(db, tenant.id, { assignedUserId: user.id, assignedBotId: bot.id }),
      );
      expect(error).toMatchObject({ code: CHECK, constraint: 'conversations_assignee_xor' });
    });

    it('accepts a conversation assigned to a user or to a bot', async () => {
      const user = await createUser(db, tenant.id);
      const bot = await createBot(db, tenant.id);
      await expect(createConversation(db, tenant.id, { assignedUserId: user.id })).resolves.toBeDefined();
      await expect(createConversation(db, tenant.id, { assignedBotId: bot.id })).resolves.toBeDefined();
    });

    it('rejects a second open conversation for the same contact and number', async () => {
      const contact = await createContact(db, tenant.id);
      const integration = await createIntegration(db, tenant.id);
      const scope = { contactId: contact.id, integrationId: integration.id };
      await createConversation(db, tenant.id, { ...scope, status: 'active' });
      const error = await rejection(createConversation(db, tenant.id, { ...scope, status: 'queue' }));
      expect(error).toMatchObject({ code: UNIQUE, constraint: 'conversations_open_uq' });
    });

    it('allows any number of closed conversations next to one open conversation', async () => {
      const contact = await createContact(db, tenant.id);
      const integration = await createIntegration(db, tenant.id);
      const scope = { contactId: contact.id, integrationId: integration.id };
      await createConversation(db, tenant.id, { ...scope, status: 'closed' });
      await createConversation(db, tenant.id, { ...scope, status: 'closed' });
      await createConversation(db, tenant.id, { ...scope, status: 'queue' });
      const list = await db.select().from(conversations).where(eq(conversations.contactId, contact.id));
      expect(list.map((c) => c.status).sort()).toEqual(['closed', 'closed', 'queue']);
    });

    it('lets find-or-open rely on ON CONFLICT against the open-conversation index', async () => {
      const contact = await createContact(db, tenant.id);
      const integration = await createIntegration(db, tenant.id);
      const open = () =>
        db
          .insert(conversations)
          .values({ tenantId: tenant.id, contactId: contact.id, integrationId: integration.id })
          .onConflictDoNothing({
            target: [conversations.tenantId, conversations.contactId, conversations.integrationId],
            where: sql`status <> 'closed'`,
          })
          .returning();
      expect(await open()).toHaveLength(1);
      expect(await open()).toHaveLength(0);
    });

    it('rejects a negative unread count and an unknown status', async () => {
      expect(await rejection(createConversation(db, tenant.id, { unreadCount: -1 }))).toMatchObject({
        code: CHECK,
        constraint: 'conversations_unread_count_check',
      });
      expect(
        await rejection(createConversation(db, tenant.id, { status: 'archived' as 'closed' })),
      ).toMatchObject({ code: CHECK, constraint: 'conversations_status_check' });
    });
  });

  describe('messages', () => {
    it('rejects a user message without sender_user_id', async () => {
      const conversation = await createConversation(db, tenant.id);
      const error = await rejection(createMessage(db, conversation, { senderType: 'user' }));
      expect(error).toMatchObject({ code: CHECK, constraint: 'messages_sender_user_check' });
    });

    it('rejects a contact message that names a sender user', async () => {
      const conversation = await createConversation(db, tenant.id);
      const user = await createUser(db, tenant.id);
      const error = await rejection(
        createMessage(db, conversation, { senderType: 'contact', senderUserId: user.id }),
      );
      expect(error).toMatchObject({ code: CHECK, constraint: 'messages_sender_user_check' });
    });

    it('rejects a bot message without sender_bot_id', async () => {
      const conversation = await createConversation(db, tenant.id);
      const error = await rejection(createMessage(db, conversation, { senderType: 'bot' }));
      expect(error).toMatchObject({ code: CHECK, constraint: 'messages_sender_bot_check' });
    });

    it('accepts user, bot, contact and system messages with the right sender columns', async () => {
      const conversation = await createConversation(db, tenant.id);
      const user = await createUser(db, tenant.id);
      const bot = await createBot(db, tenant.id);
      await createMessage(db, conversation, { senderType: 'user', senderUserId: user.id });
      await createMessage(db, conversation, { senderType: 'bot', senderBotId: bot.id });
      await createMessage(db, conversation, { senderType: 'contact' });
      await createMessage(db, conversation, { senderType: 'system', type: 'system' });
      const stored = await db.select().from(messages).where(eq(messages.conversationId, conversation.id));
      expect(stored).toHaveLength(4);
    });

    it('rejects a duplicate whatsapp_message_id in one tenant', async () => {
      const conversation = await createConversation(db, tenant.id);
      await createMessage(db, conversation, { whatsappMessageId: 'wamid.DUPLICATE' });
      const error = await rejection(
        createMessage(db, conversation, { whatsappMessageId: 'wamid.DUPLICATE' }),
      );
      expect(error).toMatchObject({ code: UNIQUE, constraint: 'messages_tenant_whatsapp_message_id_uq' });
    });

    it('allows the same whatsapp_message_id in two tenants and many messages without one', async () => {
      const mine = await createConversation(db, tenant.id);
      const theirs = await createConversation(db, otherTenant.id);
      await createMessage(db, mine, { whatsappMessageId: 'wamid.SHARED' });
      await expect(createMessage(db, theirs, { whatsappMessageId: 'wamid.SHARED' })).resolves.toBeDefined();
      await createMessage(db, mine, { whatsappMessageId: null });
      await expect(createMessage(db, mine, { whatsappMessageId: null })).resolves.toBeDefined();
    });

    it('makes a redelivered inbound message a no-op with ON CONFLICT DO NOTHING', async () => {
      const conversation = await createConversation(db, tenant.id);
      const insert = () =>
        db
          .insert(messages)
          .values({
            tenantId: tenant.id,
            conversationId: conversation.id,
            senderType: 'contact',
            body: 'hi',
            whatsappMessageId: 'wamid.REDELIVERED',
          })
          .onConflictDoNothing({ target: [messages.tenantId, messages.whatsappMessageId] })
          .returning();
      expect(await insert()).toHaveLength(1);
      expect(await insert()).toHaveLength(0);
    });

    it('rejects a message type outside the documented list', async () => {
      const conversation = await createConversation(db, tenant.id);
      const error = await rejection(createMessage(db, conversation, { type: 'list' as 'text' }));
      expect(error).toMatchObject({ code: CHECK, constraint: 'messages_type_check' });
    });

    it('accepts every documented message type', async () => {
      const conversation = await createConversation(db, tenant.id);
      for (const type of messageTypes) await createMessage(db, conversation, { type });
      const stored = await db.select().from(messages).where(eq(messages.conversationId, conversation.id));
      expect(stored.map((m) => m.type).sort()).toEqual([...messageTypes].sort());
    });

    it('rejects an unknown whatsapp_status', async () => {
      const conversation = await createConversation(db, tenant.id);
      const error = await rejection(createMessage(db, conversation, { whatsappStatus: 'played' as 'read' }));
      expect(error).toMatchObject({ code: CHECK, constraint: 'messages_whatsapp_status_check' });
    });

    it('fills search_vector by itself and finds the message with websearch_to_tsquery', async () => {
      const conversation = await createConversation(db, tenant.id);
      const hit = await createMessage(db, conversation, { body: 'Olá, meu pedido 4512 não chegou' });
      await createMessage(db, conversation, { body: 'something else entirely' });
      await createMessage(db, conversation, { body: null, type: 'image' });
      expect(hit.searchVector).toContain("'pedido'");
      const search = (q: string) =>
        db
          .select({ id: messages.id })
          .from(messages)
          .where(
            and(
              eq(messages.conversationId, conversation.id),
              sql`${messages.searchVector} @@ websearch_to_tsquery('simple', ${q})`,
            ),
          );
      expect(await search('pedido')).toEqual([{ id: hit.id }]);
      expect(await search('"pedido 4512"')).toEqual([{ id: hit.id }]);
      expect(await search('missing')).toEqual([]);
    });

    it('allows one reaction per sender per message', async () => {
      const conversation = await createConversation(db, tenant.id);
      const message = await createMessage(db, conversation);
      const react = (emoji: string) =>
        db.insert(messageReactions).values({
          tenantId: tenant.id,
          messageId: message.id,
          emoji,
          senderType: 'contact',
          senderId: conversation.contactId,
        });
      await react('👍');
      expect(await rejection(react('❤️'))).toMatchObject({
        code: UNIQUE,
        constraint: 'message_reactions_message_sender_uq',
      });
    });

    it('keeps a user who has sent messages from being deleted', async () => {
      const conversation = await createConversation(db, tenant.id);
      const user = await createUser(db, tenant.id);
      await createMessage(db, conversation, { senderType: 'user', senderUserId: user.id });
      const error = await rejection(db.delete(users).where(eq(users.id, user.id)));
      expect(error).toMatchObject({ code: FOREIGN_KEY, constraint: 'messages_sender_user_id_users_id_fk' });
    });
  });

  describe('contacts', () => {
    it('rejects a duplicate phone number in one tenant and allows it in another', async () => {
      await createContact(db, tenant.id, { phoneNumber: '+5511900000001' });
      const error = await rejection(createContact(db, tenant.id, { phoneNumber: '+5511900000001' }));
      expect(error).toMatchObject({ code: UNIQUE, constraint: 'contacts_tenant_phone_number_uq' });
      await expect(
        createContact(db, otherTenant.id, { phoneNumber: '+5511900000001' }),
      ).resolves.toBeDefined();
    });

    it('rejects a duplicate external_id in one tenant and allows it in another', async () => {
      await createContact(db, tenant.id, { externalId: '5511900000002' });
      const error = await rejection(createContact(db, tenant.id, { externalId: '5511900000002' }));
      expect(error).toMatchObject({ code: UNIQUE, constraint: 'contacts_tenant_external_id_uq' });
      await expect(createContact(db, otherTenant.id, { externalId: '5511900000002' })).resolves.toBeDefined();
    });

    it('rejects a duplicate whatsapp_user_id in one tenant', async () => {
      await createContact(db, tenant.id, { whatsappUserId: 'US.1234' });
      const error = await rejection(createContact(db, tenant.id, { whatsappUserId: 'US.1234' }));
      expect(error).toMatchObject({ code: UNIQUE, constraint: 'contacts_tenant_whatsapp_user_id_uq' });
    });

    it('allows many contacts without phone number, external id or whatsapp user id', async () => {
      const bare = { phoneNumber: null, externalId: null, whatsappUserId: null };
      await createContact(db, tenant.id, bare);
      await expect(createContact(db, tenant.id, bare)).resolves.toBeDefined();
    });

    it('deletes the conversations and messages of a deleted contact', async () => {
      const contact = await createContact(db, tenant.id);
      const conversation = await createConversation(db, tenant.id, { contactId: contact.id });
      const message = await createMessage(db, conversation);
      await db.delete(contacts).where(eq(contacts.id, contact.id));
      expect(await db.select().from(conversations).where(eq(conversations.id, conversation.id))).toEqual([]);
      expect(await db.select().from(messages).where(eq(messages.id, message.id))).toEqual([]);
    });
  });

  describe('tags and integrations', () => {
    it('treats tag names case-insensitively per tenant', async () => {
      await db.insert(tags).values({ tenantId: tenant.id, name: 'VIP' });
      const error = await rejection(db.insert(tags).values({ tenantId: tenant.id, name: 'vip' }));
      expect(error).toMatchObject({ code: UNIQUE, constraint: 'tags_tenant_name_uq' });
      await expect(db.insert(tags).values({ tenantId: otherTenant.id, name: 'vip' })).resolves.toBeDefined();
    });

    it("rejects another tenant's phone_number_id (unique across the deployment)", async () => {
      await createIntegration(db, tenant.id, { phoneNumberId: '106540352242922' });
      const error = await rejection(
        createIntegration(db, otherTenant.id, { phoneNumberId: '106540352242922' }),
      );
      expect(error).toMatchObject({ code: UNIQUE, constraint: 'whatsapp_integrations_phone_number_id_uq' });
    });

    it('keeps the conversations of a deleted integration, without the integration', async () => {
      const integration = await createIntegration(db, tenant.id);
      const conversation = await createConversation(db, tenant.id, { integrationId: integration.id });
      await db.delete(whatsappIntegrations).where(eq(whatsappIntegrations.id, integration.id));
      const [kept] = await db.select().from(conversations).where(eq(conversations.id, conversation.id));
      expect(kept?.integrationId).toBeNull();
    });
  });

  async function createAccount(tenantId: string, contactId: string) {
    const [server] = await db.insert(servers).values({ tenantId, name: 'main' }).returning();
    await db.insert(contactUserAccounts).values({
      tenantId,
      contactId,
      serverId: server!.id,
      usernameFinal: 'customer1',
      passwordFinalEncrypted: 'v1.test.test.test',
    });
    return server!;
  }

  describe('catalog', () => {
    it('keeps a server that still has accounts from being deleted', async () => {
      const contact = await createContact(db, tenant.id);
      const server = await createAccount(tenant.id, contact.id);
      const error = await rejection(db.delete(servers).where(eq(servers.id, server.id)));
      expect(error).toMatchObject({
        code: FOREIGN_KEY,
        constraint: 'contact_user_accounts_server_id_servers_id_fk',
      });
    });
  });

  describe('tenants', () => {
    // Users, bots and servers are NO ACTION targets (deleting one that is referenced fails); the tenant delete still succeeds because every
    // tenant-owned table has its own tenant_id cascade, which runs before the checks queued by the
    // cascaded deletes of users / bots / servers.
    it('deletes everything a tenant owns with the tenant, and nothing of another tenant', async () => {
      const build = async (t: Tenant) => {
        const user = await createUser(db, t.id);
        const bot = await createBot(db, t.id);
        const conversation = await createConversation(db, t.id, {
          integrationId: (await createIntegration(db, t.id)).id,
          assignedUserId: user.id,
        });
        await createMessage(db, conversation, { senderType: 'user', senderUserId: user.id });
        await createMessage(db, conversation, { senderType: 'bot', senderBotId: bot.id });
        await createAccount(t.id, conversation.contactId);
      };
      await build(tenant);
      await build(otherTenant);
      await db.delete(tenants).where(eq(tenants.id, tenant.id));
      const count = async (tenantId: string) =>
        (await db.select({ id: messages.id }).from(messages).where(eq(messages.tenantId, tenantId))).length;
      expect(await count(tenant.id)).toBe(0);
      expect(await count(otherTenant.id)).toBe(2);
      expect(await db.select().from(users).where(eq(users.tenantId, tenant.id))).toEqual([]);
      expect(await db.select().from(servers).where(eq(servers.tenantId, tenant.id))).toEqual([]);
      expect(await db.select().from(servers).where(eq(servers.tenantId, otherTenant.id))).toHaveLength(1);
    });
  });

  describe('list indexes', () => {
    // With sequential scans disabled the planner shows whether an index delivers the list's order
    // (no Sort node): the point of indexing ascending and scanning backwards for DESC.
    async function plan(query: SQL): Promise<string> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const lines = await rows<Record<string, string>>(tx, sql`explain ${query}`);
        return lines.map((line) => Object.values(line).join('')).join('\n');
      });
    }

    it('serves the newest-first conversation list from an index without sorting', async () => {
      const text = await plan(
        sql`select id from conversations where tenant_id = ${tenant.id} order by last_message_at desc, id desc limit 20`,
      );
      expect(text).toContain('conversations_tenant_last_message_idx');
      expect(text).not.toMatch(/Sort/);
    });

    it('serves a status-filtered conversation list from an index without sorting', async () => {
      const text = await plan(
        sql`select id from conversations where tenant_id = ${tenant.id} and status = 'queue' order by last_message_at desc, id desc limit 20`,
      );
      expect(text).toContain('conversations_tenant_status_last_message_idx');
      expect(text).not.toMatch(/Sort/);
    });

    it('serves a conversation history page from an index without sorting', async () => {
      const conversation = await createConversation(db, tenant.id);
      const text = await plan(
        sql`select id from messages where conversation_id = ${conversation.id} order by created_at desc, id desc limit 50`,
      );
      expect(text).toContain('messages_conversation_created_idx');
      expect(text).not.toMatch(/Sort/);
    });

    it('serves the contact list from an index without sorting', async () => {
      const text = await plan(
        sql`select id from contacts where tenant_id = ${tenant.id} order by created_at desc, id desc limit 20`,
      );
      expect(text).toContain('contacts_tenant_created_idx');
      expect(text).not.toMatch(/Sort/);
    });
  });
});
