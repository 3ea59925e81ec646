import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createConversation, createMessage } from '../../../test/helpers/factories.js';
import * as make from '../../../test/media/fixtures.js';
import { fetchSigned, filesUnder, upload, uploadOne } from '../../../test/media/upload.js';
import { attachMedia, findAttachableMedia } from '../messages/message-attachments.js';

describe('media access: tenants, privacy, permissions, deletes', () => {
  let t: TestApp;
  let admin: string;
  let tenantId: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    tenantId = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json().tenant_id;
  });
  afterAll(async () => {
    await t.close();
  });

  const pdf = () => ({ name: 'offer.pdf', data: make.pdf() });
  const get = (id: string, token: string) => t.request({ method: 'GET', url: `/api/v1/media/${id}`, token });
  const del = (id: string, token: string) =>
    t.request({ method: 'DELETE', url: `/api/v1/media/${id}`, token });

  /** Attaches a media object to a new message of a conversation assigned to `assignedUserId`. */
  async function attachToConversation(
    mediaId: string,
    assignedUserId: string | null,
    sentBy: { senderType: 'user'; senderUserId: string } | null = null,
  ) {
    const db = t.deps.database.db;
    const conversation = await createConversation(db, tenantId, { assignedUserId });
    const message = await createMessage(db, conversation, sentBy ?? {});
    await db.transaction(async (tx) =>
      attachMedia(
        tx,
        { tenantId, messageId: message.id },
        await findAttachableMedia(tx, tenantId, [mediaId]),
      ),
    );
  }

  it("answers 404 for another tenant's media, on read and delete", async () => {
    const other = await t.request({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { tenant_name: 'Other Co', name: 'Olga', email: 'olga@other.test', password: 'password123' },
    });
    expect(other.statusCode).toBe(201);
    const theirs = await uploadOne(t, other.json().access_token, 'document', pdf());
    for (const res of [await get(theirs.id, admin), await del(theirs.id, admin)]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
  });

  it('hides an upload not yet attached from other agents, and shows it to its uploader and supervisors', async () => {
    const [owner, otherAgent, supervisor] = await Promise.all([
      t.createUser('agent'),
      t.createUser('agent'),
      t.createUser('supervisor'),
    ]);
    const mine = await uploadOne(t, owner.token, 'document', pdf());
    expect((await get(mine.id, owner.token)).statusCode).toBe(200);
    expect((await get(mine.id, supervisor.token)).statusCode).toBe(200);
    expect((await get(mine.id, otherAgent.token)).statusCode).toBe(404);
  });

  it('shows an attached file to agents exactly when they can see its conversation', async () => {
    const [agent, colleague] = await Promise.all([t.createUser('agent'), t.createUser('agent')]);
    const unassigned = await uploadOne(t, admin, 'document', pdf());
    const colleagues = await uploadOne(t, admin, 'document', pdf());
    await attachToConversation(unassigned.id, null);
    await attachToConversation(colleagues.id, colleague.id);
    expect((await get(unassigned.id, agent.token)).json().attached).toBe(true);
    expect((await get(colleagues.id, agent.token)).statusCode).toBe(404);
    expect((await get(colleagues.id, colleague.token)).statusCode).toBe(200);
  });

  it('needs media:write to upload or delete, checked before the media is looked up', async () => {
    const role = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 'viewer', permissions: ['users:read'] },
    });
    expect(role.statusCode).toBe(201);
    const viewer = await t.createUser('viewer');
    expect((await upload(t, viewer.token, 'document', [pdf()])).statusCode).toBe(403);
    expect((await del('00000000-0000-7000-8000-000000000000', viewer.token)).statusCode).toBe(403);
    const unauthenticated = await t.request({ method: 'POST', url: '/api/v1/upload/single' });
    expect(unauthenticated.statusCode).toBe(401);
  });

  it('lets only who may delete its message delete an attached file: the author and supervisors', async () => {
    const [agent, colleague, supervisor] = await Promise.all([
      t.createUser('agent'),
      t.createUser('agent'),
      t.createUser('supervisor'),
    ]);
    const inbound = await uploadOne(t, admin, 'document', pdf());
    const colleagues = await uploadOne(t, colleague.token, 'document', pdf());
    const mine = await uploadOne(t, agent.token, 'document', pdf());
    await attachToConversation(inbound.id, agent.id);
    await attachToConversation(colleagues.id, agent.id, { senderType: 'user', senderUserId: colleague.id });
    await attachToConversation(mine.id, agent.id, { senderType: 'user', senderUserId: agent.id });
    for (const id of [inbound.id, colleagues.id]) {
      const refused = await del(id, agent.token);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('FORBIDDEN');
      expect((await get(id, agent.token)).statusCode).toBe(200);
    }
    expect((await del(mine.id, agent.token)).statusCode).toBe(204);
    expect((await del(inbound.id, supervisor.token)).statusCode).toBe(204);
  });

  it('deletes the row and every stored object, and the old URLs stop working', async () => {
    const a = await uploadOne(t, admin, 'image', { name: 'a.png', data: await make.image('png') });
    const folder = path.join(t.config.dataDir, 'files', 'media', tenantId, a.id);
    expect(filesUnder(folder).sort()).toEqual(['original', 'preview.webp', 'thumbnail.webp']);
    const res = await del(a.id, admin);
    expect(res.statusCode).toBe(204);
    expect((await get(a.id, admin)).statusCode).toBe(404);
    expect(filesUnder(folder)).toEqual([]);
    expect((await fetchSigned(t, a.url)).statusCode).toBe(404);
  });
});

describe('signed file URLs with a one-second lifetime', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ MEDIA_URL_TTL_SECONDS: '1' });
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves the file without a bearer token until the URL expires, then answers 403', async () => {
    const a = await uploadOne(t, admin, 'document', { name: 'offer.pdf', data: make.pdf() });
    const fresh = await fetchSigned(t, a.url);
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers['cache-control']).toMatch(/^private, max-age=[01]$/);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await fetchSigned(t, a.url);
    expect(expired.statusCode).toBe(403);
    expect(expired.json().detail).toMatch(/expired/);
  });

  it('answers 403 to a URL whose token was altered', async () => {
    const a = await uploadOne(t, admin, 'document', { name: 'offer.pdf', data: make.pdf() });
    const token = new URL(a.url).searchParams.get('token')!;
    const altered = token.replace(/\.(.)/, (_, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    const res = await fetchSigned(t, a.url.replace(token, altered));
    expect(res.statusCode).toBe(403);
  });
});
