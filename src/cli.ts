import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase, runMigrations, type Database } from './db/client.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import { hashPassword } from './features/auth/passwords.js';
import { contacts, contactTags } from './features/contacts/contacts.table.js';
import { conversations } from './features/conversations/conversations.table.js';
import { whatsappIntegrations } from './features/integrations/integrations.table.js';
import { insertMessage } from './features/messages/message-insert.js';
import { tags } from './features/tags/tags.table.js';
import { roles } from './features/roles/roles.table.js';
import { bootstrapFirstAdmin } from './features/tenants/bootstrap.js';
import { tenants } from './features/tenants/tenants.table.js';
import { users } from './features/users/users.table.js';

const DEMO_USERS = [
  { username: 'supervisor', password: 'supervisor123', name: 'Demo Supervisor', role: 'supervisor' },
  { username: 'agent', password: 'agent123', name: 'Demo Agent', role: 'agent' },
] as const;

const step = (message: string) => process.stdout.write(`- ${message}\n`);

async function seed(database: Database, config: ReturnType<typeof loadConfig>) {
  const db = database.db;
  step('ensuring the default tenant and admin');
  await bootstrapFirstAdmin(db, config, (m) => step(m));
  const [tenant] = await db.select().from(tenants).orderBy(tenants.createdAt).limit(1);
  if (!tenant) throw new Error('no tenant after bootstrap');
  for (const demo of DEMO_USERS) {
    const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.username, demo.username));
    if (existing) {
      step(`user "${demo.username}" already exists, kept`);
      continue;
    }
    const [role] = await db
      .select()
      .from(roles)
      .where(and(eq(roles.tenantId, tenant.id), eq(roles.name, demo.role)));
    if (!role) throw new Error(`role ${demo.role} missing in tenant ${tenant.name}`);
    await db.insert(users).values({
      tenantId: tenant.id,
      roleId: role.id,
      name: demo.name,
      username: demo.username,
      passwordHash: await hashPassword(demo.password),
    });
    step(`created ${demo.role} "${demo.username}" (password ${demo.password})`);
  }
  await seedDemoData(db, tenant.id);
}

const DEMO_TAGS = [
  { name: 'VIP', color: '#d97706' },
  { name: 'Lead', color: '#2563eb' },
];

const DEMO_CONTACTS = [
  { name: 'Sheena Nelson', phone: '+16505551234', tags: ['VIP'], says: 'Does it come in another color?' },
  { name: 'Lucas Moreau', phone: '+33612345678', tags: ['Lead'], says: 'Bonjour, quels sont vos horaires ?' },
  { name: 'Ana Souza', phone: '+5511987654321', tags: [], says: 'Meu pedido ainda não chegou' },
];

/** Tags, contacts and an open conversation per contact (on the tenant's first WhatsApp number). */
async function seedDemoData(db: Database['db'], tenantId: string) {
  await db
    .insert(tags)
    .values(DEMO_TAGS.map((t) => ({ tenantId, ...t })))
    .onConflictDoNothing();
  const tagRows = await db.select().from(tags).where(eq(tags.tenantId, tenantId));
  const [integration] = await db
    .select()
    .from(whatsappIntegrations)
    .where(eq(whatsappIntegrations.tenantId, tenantId))
    .orderBy(whatsappIntegrations.createdAt)
    .limit(1);
  for (const demo of DEMO_CONTACTS) {
    const [existing] = await db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.tenantId, tenantId), eq(contacts.phoneNumber, demo.phone)));
    if (existing) {
      step(`contact ${demo.name} already exists, kept`);
      continue;
    }
    await db.transaction(async (tx) => {
      const [contact] = await tx
        .insert(contacts)
        .values({ tenantId, name: demo.name, phoneNumber: demo.phone, externalId: demo.phone.slice(1) })
        .returning();
      const tagIds = tagRows.filter((t) => demo.tags.includes(t.name)).map((t) => t.id);
      if (tagIds.length) {
        await tx
          .insert(contactTags)
          .values(tagIds.map((tagId) => ({ tenantId, contactId: contact!.id, tagId })));
      }
      const [conversation] = await tx
        .insert(conversations)
        .values({ tenantId, contactId: contact!.id, integrationId: integration?.id ?? null })
        .returning();
      // The seed runs without a server: nobody listens for the events, so the outbox is dropped.
      await insertMessage(tx, conversation!, { senderType: 'contact', body: demo.says }, []);
    });
    step(`created contact ${demo.name} with a conversation`);
  }
}

async function main() {
  const [command = 'help'] = process.argv.slice(2);
  if (!['migrate', 'seed'].includes(command)) {
    process.stdout.write('usage: tsx src/cli.ts <migrate|seed>\n');
    process.exit(command === 'help' ? 0 : 1);
  }
  const config = loadConfig(process.env, { warn: (m) => step(`warning: ${m}`) });
  step(`opening ${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${path.join(config.dataDir, 'pg')}`}`);
  const database = await openDatabase({
    url: config.databaseUrl,
    pgliteDir: path.join(config.dataDir, 'pg'),
  });
  try {
    step('applying migrations');
    await runMigrations(database);
    if (command === 'seed') await seed(database, config);
    step('done');
  } finally {
    await database.close();
  }
}

/** Errors the user can act on are one line; anything else keeps its stack for a bug report. */
const reportOf = (err: unknown) => {
  if (err instanceof DataDirInUseError) return `cannot ${process.argv[2] ?? 'run'}: ${err.message}`;
  if (err instanceof ConfigError) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
};

main().catch((err: unknown) => {
  process.stderr.write(`${reportOf(err)}\n`);
  process.exit(1);
});
