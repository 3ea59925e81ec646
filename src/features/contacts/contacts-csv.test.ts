import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import type { RequestContext } from '../../http/context.js';
import type { Permission } from '../roles/permissions.js';
import { auditRowsOf, created, registerOtherTenant } from '../catalog/crud.test-helpers.js';
import { exportContacts } from './contacts-export.js';
import { importContacts } from './contacts-import.js';
import { multipart } from './contacts-csv.test-helpers.js';

type Contact = { id: string; name: string; phone_number: string; external_id: string | null } & Record<
  string,
  unknown
>;

describe('contacts CSV', () => {
  let t: TestApp;
  let admin: string;
  let tenantId: string;
  let adminId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    const me = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json();
    tenantId = me.tenant_id;
    adminId = me.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const upload = (csv: string | Buffer, token = admin, field = 'file') =>
    t.request({ method: 'POST', url: '/api/v1/contacts/import', token, ...multipart(csv, field) });
  const byPhone = async (phone: string) =>
    (
      await t.request({
        method: 'GET',
        url: `/api/v1/contacts/phone/${encodeURIComponent(phone)}`,
        token: admin,
      })
    ).json<Contact>();
  const adminCtx = (): RequestContext => ({
    tenantId,
    userId: adminId,
    role: 'admin',
    permissions: new Set<Permission>(['contacts:read', 'contacts:write', 'conversations:read_all']),
    requestId: 'csv-test',
    ip: '127.0.0.1',
  });

  describe('import', () => {
    it('creates, updates duplicates and reports bad lines with their line numbers, without aborting', async () => {
      await created(t, '/api/v1/contacts', admin, { name: 'Existing', phone_number: '+34 612 000 200' });
      const csv = [
        'name,phone_number,external_id,email,attributes', // 1
        'Good One,+34 612 000 101,,good1@x.test,', // 2 created
        'Bad Phone,12ab,,,', // 3 failed
        '', // 4 skipped
        '"Multi', // 5 created (a record over two lines)
        'Line",+34 612 000 102,,,', // 6
        'Dupe,0034612000101,ext-1,,"{""tier"":""gold""}"', // 7 updates line 2
        'Short,+34 612 000 103', // 8 failed
        'Email,+34 612 000 104,,not-an-email,', // 9 failed
        'Existing Renamed,+34612000200,,,', // 10 updates the existing contact
        ',,,,', // 11 failed
        'Ext Only,,ext-2,,', // 12 created
        'Bad Attributes,+34 612 000 106,,,{oops', // 13 failed
      ].join('\r\n');
      const res = await upload(csv);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.created).toBe(3);
      expect(body.updated).toBe(2);
      expect(body.failed.map((f: { line: number }) => f.line)).toEqual([3, 8, 9, 11, 13]);
      expect(body.failed[0].error).toMatch(/phone_number/);
      expect(body.failed[1].error).toMatch(/fields/);
      expect(body.failed[2].error).toMatch(/email/);
      expect(body.failed[3].error).toMatch(/phone_number or external_id/);
      expect(body.failed[4].error).toMatch(/attributes/);

      expect(await byPhone('+34612000101')).toMatchObject({
        name: 'Dupe',
        external_id: 'ext-1',
        email: 'good1@x.test',
        attributes: { tier: 'gold' },
      });
      expect((await byPhone('+34612000102')).name).toBe('Multi\nLine');
      expect((await byPhone('+34612000200')).name).toBe('Existing Renamed');
    });

    it('matches by external id, merges attributes and writes an audit row per contact', async () => {
      const first = await upload('external_id,name,attributes\nwa-1,First,"{""a"":1}"\n');
      expect(first.json()).toEqual({ created: 1, updated: 0, failed: [] });
      const second = await upload('external_id,phone_number,attributes\nwa-1,+34 612 000 301,"{""b"":2}"\n');
      expect(second.json()).toEqual({ created: 0, updated: 1, failed: [] });
      const contact = (
        await t.request({ method: 'GET', url: '/api/v1/contacts/external-id/wa-1', token: admin })
      ).json<Contact>();
      expect(contact).toMatchObject({
        name: 'First',
        phone_number: '+34612000301',
        attributes: { a: 1, b: 2 },
      });
      const audit = await auditRowsOf(t, contact.id);
      expect(audit.map((r) => r.action).sort()).toEqual(['create', 'update']);
      expect(audit[0]!.changes).toMatchObject({ source: 'import' });
    });

    it('fails a line whose phone number and external id belong to two different contacts', async () => {
      await created(t, '/api/v1/contacts', admin, { phone_number: '+34 612 000 401' });
      await created(t, '/api/v1/contacts', admin, { external_id: 'ext-401' });
      const res = await upload('phone_number,external_id\n+34612000401,ext-401\n');
      expect(res.json()).toEqual({
        created: 0,
        updated: 0,
        failed: [{ line: 2, error: 'phone_number and external_id belong to two different contacts' }],
      });
    });

    it('isolates a line that breaks a unique key the lookup does not cover and imports the rest', async () => {
      await created(t, '/api/v1/contacts', admin, { name: 'Holder', whatsapp_user_id: 'BSUID.held' });
      const csv =
        'name,phone_number,whatsapp_user_id\nA,+34612000501,\nB,+34612000502,BSUID.held\nC,+34612000503,\n';
      const res = await upload(csv);
      expect(res.json()).toEqual({
        created: 2,
        updated: 0,
        failed: [{ line: 3, error: 'Another contact already has this whatsapp_user_id' }],
      });
      expect((await byPhone('+34612000503')).name).toBe('C');
    });

    it('answers 400 for an unknown column or an empty file, importing nothing', async () => {
      const unknown = await upload('name,phone_number,favourite_colour\nX,+34612000601,blue\n');
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0].message).toMatch(/favourite_colour/);
      expect(
        (await t.request({ method: 'GET', url: '/api/v1/contacts/phone/+34612000601', token: admin }))
          .statusCode,
      ).toBe(404);
      expect((await upload('')).statusCode).toBe(400);
      expect((await upload('name\nX\n')).statusCode).toBe(400);
    });

    it('answers 400 without a "file" part, 415 for a JSON body and 403 to an agent', async () => {
      expect((await upload('name,phone_number\n', admin, 'upload')).statusCode).toBe(400);
      const json = await t.request({
        method: 'POST',
        url: '/api/v1/contacts/import',
        token: admin,
        payload: { a: 1 },
      });
      expect(json.statusCode).toBe(415);
      const agent = await t.createUser('agent');
      expect((await upload('name,phone_number\nX,+34612000701\n', agent.token)).statusCode).toBe(403);
    });

    it('imports at most maxRows rows and reports where it stopped', async () => {
      const csv = 'phone_number\n+34612000801\n+34612000802\n+34612000803\n+34612000804\n';
      const result = await importContacts(
        t.deps.database.db,
        t.deps.events,
        adminCtx(),
        Readable.from([csv]),
        {
          maxRows: 2,
        },
      );
      expect(result.created).toBe(2);
      expect(result.failed).toEqual([
        { line: 4, error: expect.stringMatching(/At most 2 rows.*1 after it/) },
      ]);
    });

    // 10,000 rows keep the suite fast; 100,000 (the limit) take about 20 s alone on PGlite, mostly in
    // the contact and audit inserts, which grow linearly with the rows.
    it('imports 10,000 rows in batches, with a duplicate in a later batch updating an earlier row', async () => {
      const lines = ['name,phone_number,email'];
      for (let i = 0; i < 10_000; i++)
        lines.push(`Bulk ${i},+34 7${String(i).padStart(8, '0')},bulk${i}@x.test`);
      lines.push('Bulk zero again,+34 700 000 000,');
      const res = await upload(lines.join('\n'));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ created: 10_000, updated: 1, failed: [] });
      expect(await byPhone('+34700009999')).toMatchObject({ name: 'Bulk 9999', email: 'bulk9999@x.test' });
      expect(await byPhone('+34700000000')).toMatchObject({ name: 'Bulk zero again', email: 'bulk0@x.test' });
    });
  });

  describe('export', () => {
    it('streams a CSV with a header, quoting commas, quotes and newlines, and guarding formulas', async () => {
      const tricky = await created<Contact>(t, '/api/v1/contacts', admin, {
        name: 'Smith, "Bob"\nJr',
        phone_number: '+34 612 000 901',
        email: '@mention@x.test'.slice(1),
        external_id: '=HYPERLINK("http://evil")',
        attributes: { note: '-2+3' },
      });
      const res = await t.request({
        method: 'GET',
        url: '/api/v1/contacts/export?search=Smith',
        token: admin,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const [header, ...rest] = res.body.split('\r\n');
      expect(header).toBe(
        'id,external_id,whatsapp_user_id,name,phone_number,email,tags,attributes,created_at,updated_at',
      );
      const row = rest.join('\r\n');
      expect(row).toContain(tricky.id);
      expect(row).toContain('"Smith, ""Bob""\nJr"');
      expect(row).toContain(`"'=HYPERLINK(""http://evil"")"`);
      expect(row).toContain("'+34612000901");
      expect(row).toContain('"{""note"":""-2+3""}"');
    });

    it('round-trips: importing an export updates every contact and changes nothing', async () => {
      const before = await t.request({
        method: 'GET',
        url: '/api/v1/contacts/export?search=Smith',
        token: admin,
      });
      const again = await upload(before.body);
      expect(again.json()).toEqual({ created: 0, updated: 1, failed: [] });
      const contact = await byPhone('+34612000901');
      expect(contact).toMatchObject({ name: 'Smith, "Bob"\nJr', external_id: '=HYPERLINK("http://evil")' });
    });

    it('reads the database in batches, yielding CSV as it goes', async () => {
      const lines = ['name,phone_number'];
      for (let i = 0; i < 2_500; i++) lines.push(`Batch ${i},+34 68${String(i).padStart(7, '0')}`);
      expect((await upload(lines.join('\n'))).json().created).toBe(2_500);
      const chunks: string[] = [];
      for await (const chunk of exportContacts(t.deps.database.db, adminCtx(), { search: 'Batch ' })) {
        chunks.push(String(chunk));
      }
      const rows = chunks.join('').split('\r\n').filter(Boolean);
      expect(rows).toHaveLength(1 + 2_500);
      expect(new Set(rows).size).toBe(rows.length);
      // The header, then one chunk per batch of 1,000 contacts.
      expect(chunks).toHaveLength(1 + 3);
    });

    it("never exports another tenant's contacts", async () => {
      const other = await registerOtherTenant(t);
      const res = await t.request({ method: 'GET', url: '/api/v1/contacts/export', token: other });
      expect(res.body.trim().split('\r\n')).toHaveLength(1);
    });
  });
});
