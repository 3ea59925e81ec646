/**
 * The mails the app sends, each rendered to plain text and HTML from one description, so the two
 * bodies never say different things. Every interpolated value is HTML-escaped in the HTML body.
 */

/** What every template may use besides its own data. */
export interface MailEnv {
  /** PUBLIC_URL: links point at the web app's routes under it. */
  publicUrl: string;
  /** Shown as the sender's name in greetings and footers. */
  productName: string;
}

/** A template's content: paragraphs of plain text and at most one call to action (a link). */
interface MailContent {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Shown after the action, e.g. what to do when the mail was not expected. */
  footnote?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** An absolute link to a web route with query parameters, e.g. `/reset-password?token=...`. */
export function webLink(env: MailEnv, route: string, query: Record<string, string>): string {
  const url = new URL(route, `${env.publicUrl}/`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

const greet = (name: string | undefined) => (name ? `Hello ${name},` : 'Hello,');

export const MAIL_TEMPLATES = {
  /** The link of `POST /auth/forgot-password`: single use, valid one hour. */
  password_reset: (data: { name?: string; token: string }, env: MailEnv): MailContent => ({
    subject: `Reset your ${env.productName} password`,
    greeting: greet(data.name),
    paragraphs: [
      `Someone asked to reset the password of your ${env.productName} account.`,
      'The link below works once and expires in one hour.',
    ],
    action: { label: 'Choose a new password', url: webLink(env, '/reset-password', { token: data.token }) },
    footnote: 'If you did not ask for this, ignore this mail: your password stays as it is.',
  }),
  /** Sent at registration and after an email change. */
  email_verification: (data: { name?: string; token: string }, env: MailEnv): MailContent => ({
    subject: `Confirm your email address for ${env.productName}`,
    greeting: greet(data.name),
    paragraphs: [`Please confirm that this address belongs to your ${env.productName} account.`],
    action: { label: 'Confirm my address', url: webLink(env, '/verify-email', { token: data.token }) },
    footnote: 'If you did not expect this mail, you can ignore it.',
  }),
} as const;

export type MailTemplateName = keyof typeof MAIL_TEMPLATES;
export type MailData<N extends MailTemplateName> = Parameters<(typeof MAIL_TEMPLATES)[N]>[0];

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

export function renderMail<N extends MailTemplateName>(
  name: N,
  data: MailData<N>,
  env: MailEnv,
): RenderedMail {
  const template = MAIL_TEMPLATES[name] as (d: MailData<N>, e: MailEnv) => MailContent;
  return renderContent(template(data, env), env);
}

/** The one layout of every mail. Exported for the mail tests; templates go through renderMail. */
export function renderContent(content: MailContent, env: MailEnv): RenderedMail {
  const { action, footnote } = content;
  const text = [
    content.greeting,
    ...content.paragraphs,
    ...(action ? [`${action.label}: ${action.url}`] : []),
    ...(footnote ? [footnote] : []),
    `— ${env.productName}`,
  ].join('\n\n');
  const p = (value: string) => `<p style="margin:0 0 16px">${escapeHtml(value)}</p>`;
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;color:#1f2933;line-height:1.5">',
    p(content.greeting),
    ...content.paragraphs.map(p),
    ...(action
      ? [
          `<p style="margin:0 0 16px"><a href="${escapeHtml(action.url)}" style="background:#2563eb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>`,
          `<p style="margin:0 0 16px;font-size:13px;color:#52606d">${escapeHtml(action.url)}</p>`,
        ]
      : []),
    ...(footnote ? [p(footnote)] : []),
    `<p style="margin:0;color:#52606d">— ${escapeHtml(env.productName)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: content.subject, text, html };
}
