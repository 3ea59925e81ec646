import { withClient } from './db.js';

export interface SeedSize {
  conversations: number;
  messagesPerConversation: number;
  agents: number;
}

export interface Seeded {
  tenantId: string;
  integrationId: string;
  /** wa_ids of seeded contacts, in conversation order: contact i is `waId(i)`. */
  contacts: number;
}

/** Customer i's wa_id: digits only, as Meta sends them. */
export const waId = (i: number) => `49155${String(i).padStart(7, '0')}`;

const WORDS = (
  'order delivery refund invoice payment shipping address package tracking return exchange size colour ' +
  'price discount coupon account password login booking appointment cancel change question help thanks ' +
  'hello morning evening today tomorrow monday friday weekend store branch opening hours warranty repair ' +
  'damaged missing late early fast slow great problem issue ticket support agent manager phone email'
).split(' ');

/**
 * Bulk data in set-based SQL (generate_series), so 1M messages take a minute, not an hour:
 * contacts with wa_ids, one WhatsApp conversation each (a third unassigned, the rest spread over
 * the agents), and messages alternating customer / agent with random words for search.
 */
export async function seed(url: string, size: SeedSize, integrationId: string): Promise<Seeded> {
  return withClient(url, async (c) => {
    const one = async <T>(text: string, values: unknown[] = []) => (await c.query(text, values)).rows[0] as T;
    const { tenant_id: tenantId } = await one<{ tenant_id: string }>(
      'select tenant_id from whatsapp_integrations where id = $1',
      [integrationId],
    );
    await c.query('create table if not exists bench_seed (conversations int, messages int)');
    const done = await one<{ conversations: number } | undefined>('select * from bench_seed');
    if (done) return { tenantId, integrationId, contacts: done.conversations };

    await step('agents', () =>
      c.query(
        `insert into users (id, tenant_id, role_id, name, username, password_hash)
         select gen_random_uuid(), $1, r.id, 'Agent ' || i, 'bench-agent-' || i, a.password_hash
         from generate_series(1, $2::int) i,
              (select id from roles where tenant_id = $1 and name = 'agent') r,
              (select password_hash from users where tenant_id = $1 order by created_at limit 1) a`,
        [tenantId, size.agents],
      ),
    );
    await step('contacts', () =>
      c.query(
        `insert into contacts (id, tenant_id, external_id, name, phone_number)
         select gen_random_uuid(), $1, '49155' || lpad(i::text, 7, '0'), 'Customer ' || i,
                '+49155' || lpad(i::text, 7, '0')
         from generate_series(0, $2::int - 1) i`,
        [tenantId, size.conversations],
      ),
    );
    await step('conversations', () =>
      c.query(
        `with agents as (
           select id, row_number() over (order by username) - 1 as n from users
           where tenant_id = $1 and username like 'bench-agent-%')
         insert into conversations (id, tenant_id, contact_id, integration_id, status, assigned_user_id,
                                    last_message_at, last_inbound_at, window_expires_at, created_at)
         select gen_random_uuid(), $1, ct.id, $2,
                case when ag.id is null then 'queue' else 'active' end, ag.id,
                now() - (random() * interval '90 days'), now() - interval '2 days', null,
                now() - interval '91 days'
         from contacts ct
         left join agents ag on ag.n = (substr(ct.external_id, 6)::int % ($3::int * 3 / 2))
         where ct.tenant_id = $1`,
        [tenantId, integrationId, size.agents],
      ),
    );
    await step('messages', () =>
      c.query(
        `insert into messages (id, tenant_id, conversation_id, sender_type, sender_user_id, type, body,
                               whatsapp_message_id, whatsapp_status, created_at, updated_at)
         select gen_random_uuid(), $1, cv.id,
                case when k % 2 = 0 then 'contact' else 'user' end,
                case when k % 2 = 0 then null else coalesce(cv.assigned_user_id, a.id) end,
                'text',
                (select string_agg(($3::text[])[1 + floor(random() * array_length($3::text[], 1))::int], ' ')
                   from generate_series(1, 4 + (k % 9)) w where cv.id is not null),
                'wamid.seed.' || cv.id || '.' || k,
                case when k % 2 = 0 then null else 'read' end,
                cv.last_message_at - ((($2::int - k) * 7) || ' minutes')::interval,
                now()
         from conversations cv
         cross join generate_series(1, $2::int) k,
              (select id from users where tenant_id = $1 order by created_at limit 1) a
         where cv.tenant_id = $1`,
        [tenantId, size.messagesPerConversation, WORDS],
      ),
    );
    await step('last messages', () =>
      c.query(
        `update conversations cv set last_message_id = m.id
         from (select distinct on (conversation_id) conversation_id, id from messages
               where tenant_id = $1 order by conversation_id, created_at desc, id desc) m
         where m.conversation_id = cv.id`,
        [tenantId],
      ),
    );
    await step('analyze', () => c.query('analyze'));
    await c.query('insert into bench_seed values ($1, $2)', [
      size.conversations,
      size.conversations * size.messagesPerConversation,
    ]);
    return { tenantId, integrationId, contacts: size.conversations };
  });
}

async function step(what: string, work: () => Promise<unknown>): Promise<void> {
  const started = Date.now();
  await work();
  console.log(`  seeded ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
