import { randomBytes } from 'node:crypto';
import type { Executor } from '../../src/db/client.js';
import {
  bots,
  contacts,
  conversations,
  messages,
  roles,
  tenants,
  users,
  whatsappIntegrations,
  type Bot,
  type Contact,
  type Conversation,
  type Message,
  type NewBot,
  type NewContact,
  type NewConversation,
  type NewMessage,
  type NewTenant,
  type NewWhatsappIntegration,
  type Tenant,
  type WhatsappIntegration,
} from '../../src/db/schema.js';

/**
 * Insert helpers for tests: each takes the database (or a transaction) and optional overrides and
 * returns the inserted row. Unique values are random so factories never collide with each other.
 */

const unique = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;
const digits = (n: number) =>
  Array.from(randomBytes(n), (b) => String(b % 10))
    .join('')
    .slice(0, n);

type Role = typeof roles.$inferSelect;
type NewRole = typeof roles.$inferInsert;
type User = typeof users.$inferSelect;
type NewUser = typeof users.$inferInsert;

async function insertOne<T>(rows: Promise<T[]>): Promise<T> {
  const [row] = await rows;
  if (!row) throw new Error('insert returned no row');
  return row;
}

export const createTenant = (db: Executor, overrides: Partial<NewTenant> = {}): Promise<Tenant> =>
  insertOne(
    db
      .insert(tenants)
      .values({ name: unique('tenant'), ...overrides })
      .returning(),
  );

export const createRole = (db: Executor, tenantId: string, overrides: Partial<NewRole> = {}): Promise<Role> =>
  insertOne(
    db
      .insert(roles)
      .values({ tenantId, name: unique('role'), permissions: [], ...overrides })
      .returning(),
  );

/** Creates a role for the user unless `roleId` is given. The password hash is a dummy string. */
export async function createUser(
  db: Executor,
  tenantId: string,
  overrides: Partial<NewUser> = {},
): Promise<User> {
  const roleId = overrides.roleId ?? (await createRole(db, tenantId)).id;
  const username = overrides.username ?? unique('user');
  return insertOne(
    db
      .insert(users)
      .values({
        tenantId,
        roleId,
        name: username,
        username,
        email: `${username}@example.test`,
        passwordHash: 'not-a-real-hash',
        ...overrides,
      })
      .returning(),
  );
}

export const createContact = (
  db: Executor,
  tenantId: string,
  overrides: Partial<NewContact> = {},
): Promise<Contact> => {
  const number = `55${digits(11)}`;
  return insertOne(
    db
      .insert(contacts)
      .values({
        tenantId,
        name: unique('contact'),
        externalId: number,
        phoneNumber: `+${number}`,
        ...overrides,
      })
      .returning(),
  );
};

export const createBot = (db: Executor, tenantId: string, overrides: Partial<NewBot> = {}): Promise<Bot> =>
  insertOne(
    db
      .insert(bots)
      .values({ tenantId, name: unique('bot'), ...overrides })
      .returning(),
  );

/** The access token is stored as a fake ciphertext: tests of this layer never decrypt it. */
export const createIntegration = (
  db: Executor,
  tenantId: string,
  overrides: Partial<NewWhatsappIntegration> = {},
): Promise<WhatsappIntegration> =>
  insertOne(
    db
      .insert(whatsappIntegrations)
      .values({
        tenantId,
        name: unique('number'),
        phoneNumberId: digits(15),
        displayPhoneNumber: `+1 555 ${digits(3)} ${digits(4)}`,
        accessTokenEncrypted: 'v1.test.test.test',
        ...overrides,
      })
      .returning(),
  );

/** Creates a contact for the conversation unless `contactId` is given. */
export async function createConversation(
  db: Executor,
  tenantId: string,
  overrides: Partial<NewConversation> = {},
): Promise<Conversation> {
  const contactId = overrides.contactId ?? (await createContact(db, tenantId)).id;
  return insertOne(
    db
      .insert(conversations)
      .values({ tenantId, contactId, ...overrides })
      .returning(),
  );
}

/** An inbound text message from the contact unless overridden. */
export const createMessage = (
  db: Executor,
  conversation: Pick<Conversation, 'id' | 'tenantId'>,
  overrides: Partial<NewMessage> = {},
): Promise<Message> =>
  insertOne(
    db
      .insert(messages)
      .values({
        tenantId: conversation.tenantId,
        conversationId: conversation.id,
        senderType: 'contact',
        type: 'text',
        body: 'hello',
        ...overrides,
      })
      .returning(),
  );
