import type { BenchApp } from './lib/app.js';
import { withClient } from './lib/db.js';
import { openLoop, request } from './lib/http.js';
import { row, type ResultRow } from './lib/results.js';
import { summarize, type Summary } from './lib/stats.js';

const SEARCH_TERMS = [
  'refund',
  'delivery',
  'invoice payment',
  'tracking',
  '"opening hours"',
  'warranty -repair',
];

type Kind = 'baseline' | 'conversations' | 'messages' | 'search';

export interface ReadResult {
  messagesInDb: number;
  byKind: Record<Kind, Summary & { errors: number }>;
}

/**
 * `rate` API reads/s (conversation list pages and message pages; admins and agents, so the
 * privacy filters are in the plans) and `searchRate` tenant-wide searches/s, plus the same
 * process's /health at rate/4 as the baseline, while `ingestRate` webhooks/s arrive in the
 * background. Search has its own, lower rate: a tenant-wide search over a million messages costs
 * the database far more than a page, and mixed in at the page rate it would saturate the database
 * and leave nothing to say about the pages.
 */
export async function readUnderLoad(
  app: BenchApp,
  o: { rate: number; seconds: number; ingestRate: number; searchRate: number },
): Promise<ReadResult> {
  const { conversationIds, messagesInDb } = await withClient(app.databaseUrl, async (c) => ({
    conversationIds: (
      await c.query<{ id: string }>(
        `select id from conversations where tenant_id = $1 order by random() limit 500`,
        [app.tenantId],
      )
    ).rows.map((r) => r.id),
    messagesInDb: Number((await c.query<{ n: string }>('select count(*) as n from messages')).rows[0]?.n),
  }));
  const agents = await app.agentTokens(20);
  const tokens = [app.adminToken, ...agents.map((a) => a.token)];
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
  const samples: Record<Kind, number[]> = { baseline: [], conversations: [], messages: [], search: [] };
  const errors: Record<Kind, number> = { baseline: 0, conversations: 0, messages: 0, search: 0 };
  const nextCursor = new Map<string, string>();
  const base = app.server.base;

  const get = async (kind: Kind, path: string, token?: string) => {
    const answer = await request(`${base}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    samples[kind].push(answer.ms);
    if (answer.status !== 200) errors[kind]++;
    return answer;
  };

  const reads = openLoop(o.rate, o.seconds * 1000, async (i) => {
    const token = i % 3 === 0 ? app.adminToken : pick(tokens);
    if (i % 2 === 0) {
      // Follows the list like an inbox scrolling down, restarting now and then.
      const cursor = i % 10 < 7 ? nextCursor.get(token) : undefined;
      const answer = await get(
        'conversations',
        `/api/v1/conversations/cursor?limit=25${cursor ? `&cursor=${cursor}` : ''}`,
        token,
      );
      const next =
        answer.status === 200
          ? (JSON.parse(answer.body) as { meta: { next_cursor: string | null } })
          : undefined;
      if (next?.meta.next_cursor) nextCursor.set(token, next.meta.next_cursor);
      else nextCursor.delete(token);
    } else {
      await get(
        'messages',
        `/api/v1/messages/conversation/${pick(conversationIds)}/cursor?limit=50`,
        app.adminToken,
      );
    }
  });
  const searches = openLoop(o.searchRate, o.seconds * 1000, (i) =>
    get(
      'search',
      `/api/v1/search?q=${encodeURIComponent(pick(SEARCH_TERMS))}&limit=20`,
      i % 2 === 0 ? app.adminToken : pick(tokens),
    ),
  );
  const baseline = openLoop(o.rate / 4, o.seconds * 1000, () => get('baseline', '/health'));
  const ingest = openLoop(o.ingestRate, o.seconds * 1000, (i) =>
    app.postInbound(
      Math.floor(Math.random() * app.contacts),
      `wamid.read.${Date.now()}.${i}`,
      `reading ${i}`,
    ),
  );
  await Promise.all([reads, searches, baseline, ingest]);
  const byKind = Object.fromEntries(
    (Object.keys(samples) as Kind[]).map((k) => [k, { ...summarize(samples[k]), errors: errors[k] }]),
  ) as ReadResult['byKind'];
  return { messagesInDb, byKind };
}

export function readRows(
  small: ReadResult,
  large: ReadResult,
  o: { rate: number; ingestRate: number; searchRate: number },
): ResultRow[] {
  const S = `read API (${o.rate} pages/s + ${o.searchRate} searches/s + ${o.ingestRate} webhooks/s)`;
  const rows: ResultRow[] = [];
  const size = (r: ReadResult) => `${Math.round(r.messagesInDb / 1000)}k messages`;
  for (const kind of ['conversations', 'messages', 'search'] as const) {
    for (const r of [small, large]) {
      const s = r.byKind[kind];
      const base = { name: '/health p99, same process', value: r.byKind.baseline.p99 };
      if (kind === 'search') {
        rows.push(
          row(S, `search p95, ${size(r)}`, s.p95, 'ms', {
            baseline: { ...base, name: '/health p95, same process', value: r.byKind.baseline.p95 },
            target: '< 150 ms',
            met: s.p95 < 150 && s.errors === 0,
            note: `p50 ${s.p50} ms, ${s.errors} errors`,
          }),
        );
      } else {
        rows.push(
          row(
            S,
            `${kind === 'conversations' ? 'conversation list' : 'message page'} p99, ${size(r)}`,
            s.p99,
            'ms',
            {
              baseline: base,
              target: '< 50 ms',
              met: s.p99 < 50 && s.errors === 0,
              note: `p50 ${s.p50} ms, ${s.errors} errors`,
            },
          ),
        );
      }
    }
  }
  return rows;
}
