import nodemailer from 'nodemailer';
import type { Mailer } from './mailer.js';

/** Short enough that a dead server fails the job (and it retries) long before the job expires. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * Real SMTP through nodemailer: `smtp://user:pass@host:port` (STARTTLS when the server offers it)
 * or `smtps://` (TLS from the start). Nodemailer's own logger stays off: its transcript would
 * carry the AUTH exchange, and the password must never reach a log.
 */
export function createSmtpMailer(options: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport({
    url: options.url,
    ...TIMEOUTS,
    logger: false,
    debug: false,
  });
  return {
    driver: 'smtp',
    async send(mail) {
      await transport.sendMail({ from: options.from, ...mail });
    },
    close() {
      transport.close();
      return Promise.resolve();
    },
  };
}
