import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog, type CapturedLog } from '../../test/helpers/captured-log.js';
import { startSmtpInbox, type SmtpInbox } from '../../test/helpers/smtp-inbox.js';
import { createMailer, describeSmtpUrl, type Mailer, type OutgoingMail } from './mailer.js';

const FROM = 'ApiCeChat <no-reply@apice.test>';
const SMTP_USER = 'mailer';
const SMTP_PASS = 'sm7p-pa55-Marker';

/** What a driver delivered, read back where that driver delivers: an SMTP mailbox or the log. */
interface Delivered {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** The log carries no HTML (it is for a developer's eyes); SMTP delivers both bodies. */
  html: string | undefined;
}

interface Driver {
  name: 'smtp' | 'log';
  mailer: Mailer;
  log: CapturedLog;
  delivered(): Delivered[];
  close(): Promise<void>;
}

async function smtpDriver(): Promise<Driver> {
  const inbox: SmtpInbox = await startSmtpInbox({ user: SMTP_USER, pass: SMTP_PASS });
  const log = captureLog();
  const mailer = await createMailer({ smtpUrl: inbox.url, from: FROM }, log.logger);
  return {
    name: 'smtp',
    mailer,
    log,
    delivered: () =>
      inbox.mails.map((m) => ({
        from: m.headers.from!,
        to: m.headers.to!,
        subject: m.headers.subject!,
        text: m.text!,
        html: m.html,
      })),
    async close() {
      await mailer.close();
      await inbox.close();
    },
  };
}

async function logDriver(): Promise<Driver> {
  const log = captureLog();
  const mailer = await createMailer({ smtpUrl: undefined, from: FROM }, log.logger);
  return {
    name: 'log',
    mailer,
    log,
    delivered: () =>
      log
        .entries()
        .filter((e) => e.mail)
        .map((e) => {
          expect(e.level, 'mails are logged at info level').toBe(30);
          const mail = e.mail as Delivered;
          return { ...mail, html: undefined };
        }),
    close: () => mailer.close(),
  };
}

const mail: OutgoingMail = {
  to: 'ana@example.test',
  subject: 'Réinitialiser <vite> & bien',
  text: 'Hola Ana,\n\nOpen https://chat.example.test/reset-password?token=abc_123 to go on.\n\n— ApiCeChat',
  html: '<p>Hola <b>Ana</b>, <a href="https://chat.example.test/reset-password?token=abc_123">open</a> — ñ</p>',
};

describe.each([
  ['smtp', smtpDriver],
  ['log', logDriver],
] as const)('mailer contract: %s', (name, start) => {
  let driver: Driver;
  beforeAll(async () => {
    driver = await start();
  });
  afterAll(async () => {
    await driver?.close();
  });

  it('delivers recipient, sender, subject and text (link included) exactly as given', async () => {
    expect(driver.mailer.driver).toBe(name);
    await driver.mailer.send(mail);
    const [got] = driver.delivered();
    expect(got).toMatchObject({ from: FROM, to: mail.to, subject: mail.subject, text: mail.text });
    if (name === 'smtp') expect(got!.html).toBe(mail.html);
  });

  it('never writes the SMTP password to the log', async () => {
    await driver.mailer.send({ ...mail, to: 'bo@example.test' });
    expect(driver.delivered()).toHaveLength(2);
    expect(driver.log.text()).not.toContain(SMTP_PASS);
  });
});

describe('smtp mailer', () => {
  it('rejects when the server refuses the credentials, without the password in the error', async () => {
    const inbox = await startSmtpInbox({ user: SMTP_USER, pass: SMTP_PASS });
    const log = captureLog();
    const url = inbox.url.replace(encodeURIComponent(SMTP_PASS), 'wrong-Marker-pass');
    const mailer = await createMailer({ smtpUrl: url, from: FROM }, log.logger);
    try {
      const err: unknown = await mailer.send(mail).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(JSON.stringify(err) + String(err)).not.toContain('wrong-Marker-pass');
      expect(inbox.mails).toHaveLength(0);
      expect(log.text()).not.toContain('wrong-Marker-pass');
    } finally {
      await mailer.close();
      await inbox.close();
    }
  });

  it('describes its URL for the log with the password masked', () => {
    expect(describeSmtpUrl('smtp://user%40x:s3cret@mail.example.test:587')).toBe(
      'smtp://user@x:***@mail.example.test:587',
    );
  });
});
