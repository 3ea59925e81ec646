import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { captureLog } from '../../test/helpers/captured-log.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { startSmtpInbox, type SmtpInbox } from '../../test/helpers/smtp-inbox.js';
import type { Database } from '../db/client.js';
import { createMailService, MAIL_QUEUE, mailQueues } from './mail.js';
import { escapeHtml, renderContent, renderMail } from './mail-templates.js';
import { createMailer } from './mailer.js';
import { createQueue } from './queue.js';

const SMTP = { user: 'apice', pass: 'Queue-Sm7p-Secret' };
const waitFor = (assertion: () => void | Promise<void>, timeout = 15_000) =>
  vi.waitFor(assertion, { timeout, interval: 50 });

describe('mail templates', () => {
  const env = { publicUrl: 'https://chat.example.test', productName: 'ApiCeChat' };

  it('renders the reset mail with its link to PUBLIC_URL/reset-password in both bodies', () => {
    const mail = renderMail('password_reset', { name: 'Ana', token: 'tok_1-2' }, env);
    const link = 'https://chat.example.test/reset-password?token=tok_1-2';
    expect(mail.subject).toBe('Reset your ApiCeChat password');
    expect(mail.text).toContain(`Choose a new password: ${link}`);
    expect(mail.text.startsWith('Hello Ana,')).toBe(true);
    expect(mail.html).toContain(`href="${link}"`);
  });

  it('links the verification mail to PUBLIC_URL/verify-email', () => {
    const mail = renderMail('email_verification', { token: 'v' }, env);
    expect(mail.text).toContain('https://chat.example.test/verify-email?token=v');
    expect(mail.text.startsWith('Hello,')).toBe(true);
  });

  it('HTML-escapes every interpolated value but keeps the text body literal', () => {
    const mail = renderMail(
      'password_reset',
      { name: '<img src=x onerror=alert(1)> & "Bo"', token: 'a&b<c' },
      env,
    );
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('Hello &lt;img src=x onerror=alert(1)&gt; &amp; &quot;Bo&quot;,');
    // The token is URL-encoded in the link, then the link is escaped for the attribute.
    expect(mail.html).toContain('href="https://chat.example.test/reset-password?token=a%26b%3Cc"');
    expect(mail.text).toContain('Hello <img src=x onerror=alert(1)> & "Bo",');
    expect(renderContent({ subject: "'", greeting: 'x', paragraphs: [] }, env).html).toContain(
      '<title>&#39;</title>',
    );
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});

describe('mail service (queue job -> SMTP)', () => {
  let inbox: SmtpInbox;
  let t: TestApp;
  beforeAll(async () => {
    inbox = await startSmtpInbox(SMTP);
    t = await createTestApp({
      SMTP_URL: inbox.url,
      MAIL_FROM: 'Support <support@apice.test>',
      PUBLIC_URL: 'https://chat.example.test',
    });
  });
  afterAll(async () => {
    await t?.close();
    await inbox?.close();
  });

  it('sends an enqueued template from MAIL_FROM through SMTP_URL, with both bodies', async () => {
    await t.deps.mail.enqueue('ana@example.test', 'password_reset', { name: 'Ana', token: 'T1' });
    await waitFor(() => expect(inbox.mails).toHaveLength(1));
    const [got] = inbox.mails;
    expect(got!.envelope).toEqual({ from: 'support@apice.test', to: ['ana@example.test'] });
    expect(got!.headers).toMatchObject({
      from: 'Support <support@apice.test>',
      to: 'ana@example.test',
      subject: 'Reset your ApiCeChat password',
    });
    expect(got!.text).toContain('https://chat.example.test/reset-password?token=T1');
    expect(got!.html).toContain('href="https://chat.example.test/reset-password?token=T1"');
  });

  it('queues a mail inside a transaction only when it commits', async () => {
    const before = inbox.mails.length;
    const { db } = t.deps.database;
    await db
      .transaction(async (tx) => {
        await t.deps.mail.enqueue('rolled@example.test', 'email_verification', { token: 'R' }, { tx });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await db.transaction(async (tx) => {
      await t.deps.mail.enqueue('kept@example.test', 'email_verification', { token: 'K' }, { tx });
    });
    await waitFor(() => expect(inbox.mails.length).toBe(before + 1));
    expect(inbox.mails.at(-1)!.envelope.to).toEqual(['kept@example.test']);
    const jobs: unknown = await db.execute(
      sql`select count(*)::int as n from pgboss.job where name = ${MAIL_QUEUE} and data->>'to' = 'rolled@example.test'`,
    );
    expect((jobs as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
  });

  it('retries with backoff when the server answers a temporary failure, and the mail then arrives', async () => {
    const before = inbox.mails.length;
    inbox.failNext(1);
    await t.deps.mail.enqueue('grey@example.test', 'email_verification', { token: 'G' });
    await waitFor(() => expect(inbox.mails.length).toBe(before + 1), 25_000);
    expect(inbox.mails.at(-1)!.envelope.to).toEqual(['grey@example.test']);
  }, 30_000);
});

describe('mail service logging', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('logs a failed send for the retry without the SMTP password, and a logged mail with its link', async () => {
    const inbox = await startSmtpInbox(SMTP);
    const log = captureLog();
    const queue = createQueue(database, {
      queues: mailQueues,
      logger: log.logger,
      pollingIntervalSeconds: 0.5,
    });
    await queue.start();
    const env = { publicUrl: 'https://chat.example.test', productName: 'ApiCeChat' };
    try {
      const wrong = await createMailer(
        { smtpUrl: inbox.url.replace(SMTP.pass, 'Wrong-Pass-Marker'), from: 'a@apice.test' },
        log.logger,
      );
      const failing = createMailService({ queue, mailer: wrong, env, logger: log.logger });
      await failing.start();
      await failing.enqueue('x@example.test', 'password_reset', { token: 'F' });
      await waitFor(() => expect(log.entries().some((e) => e.msg === 'job failed')).toBe(true));
      await queue.offWork(MAIL_QUEUE);
      await wrong.close();
      expect(inbox.mails).toHaveLength(0);
      expect(log.text()).not.toContain('Wrong-Pass-Marker');
      expect(log.text()).not.toContain(SMTP.pass);

      const logged = await createMailer({ smtpUrl: undefined, from: 'a@apice.test' }, log.logger);
      const service = createMailService({ queue, mailer: logged, env, logger: log.logger });
      await service.start();
      await service.enqueue('dev@example.test', 'email_verification', { token: 'L0G' });
      await waitFor(() =>
        expect(
          log.entries().find((e) => (e.mail as { to?: string })?.to === 'dev@example.test'),
        ).toMatchObject({
          level: 30,
          mail: { text: expect.stringContaining('https://chat.example.test/verify-email?token=L0G') },
        }),
      );
    } finally {
      await queue.stop();
      await inbox.close();
    }
  }, 30_000);
});
