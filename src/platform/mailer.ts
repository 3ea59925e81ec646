import type { Logger } from 'pino';

/** One rendered mail: both bodies always, so every client shows something sensible. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Where mail goes: real SMTP (`SMTP_URL`) or, without it, the log, so a developer can click the
 * link of a reset or verification mail. Both implementations pass the same contract test
 * (mailer.test.ts). Callers never send directly: they enqueue through the mail service, which
 * retries a failed send with backoff.
 */
export interface Mailer {
  readonly driver: 'smtp' | 'log';
  /** Delivers one mail from the configured sender; rejects when the server refuses it (the job retries). */
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

export interface MailerConfig {
  smtpUrl: string | undefined;
  /** The From header, e.g. `ApiCeChat <no-reply@example.com>`. */
  from: string;
}

/** SMTP when SMTP_URL is set, otherwise the log mailer. */
export async function createMailer(config: MailerConfig, logger: Logger): Promise<Mailer> {
  if (config.smtpUrl) {
    // Loaded only when used: the embedded default never pays for nodemailer.
    const { createSmtpMailer } = await import('./mailer.smtp.js');
    logger.info(`mail goes out through ${describeSmtpUrl(config.smtpUrl)}`);
    return createSmtpMailer({ url: config.smtpUrl, from: config.from });
  }
  const { createLogMailer } = await import('./mailer.log.js');
  logger.info('SMTP_URL is not set: mails are written to this log instead of being sent');
  return createLogMailer({ from: config.from, logger });
}

/** `smtp://user:***@host:port`: what may be logged of an SMTP URL. */
export function describeSmtpUrl(url: string): string {
  const parsed = new URL(url);
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}:***@` : '';
  return `${parsed.protocol}//${user}${parsed.host}`;
}
