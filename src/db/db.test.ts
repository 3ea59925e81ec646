import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../../test/helpers/db.js';
import type { Database } from './client.js';
import { runMigrations } from './client.js';

describe('database', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('applies the committed migrations and answers queries', async () => {
    const result = await database.db.execute(sql`select count(*)::int as n from tenants`);
    expect((result as { rows: unknown[] }).rows[0]).toEqual({ n: 0 });
  });

  it('re-running migrations is a no-op', async () => {
    await runMigrations(database);
    const result = await database.db.execute(sql`select count(*)::int as n from users`);
    expect((result as { rows: unknown[] }).rows[0]).toEqual({ n: 0 });
  });
});
