import type { Logger } from 'pino';
import type { Mailer } from './mailer.js';

/**
 * The embedded default: every mail is written to the log at info level, text body included, so
 * the link of a reset or verification mail can be followed without a mail server.
 */
export function createLogMailer(options: { from: string; logger: Pick<Logger, 'info'> }): Mailer {
  return {
    driver: 'log',
    send(mail) {
      options.logger.info(
        { mail: { from: options.from, to: mail.to, subject: mail.subject, text: mail.text } },
        `mail to ${mail.to} (no SMTP_URL, logged instead): ${mail.subject}\n${mail.text}`,
      );
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
