import type { Conversation, Message, User } from '../api/types';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDate = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const dayKey = (d: Date) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
const DAY_MS = 86_400_000;

export const sameDay = (a: string, b: string) => dayKey(new Date(a)) === dayKey(new Date(b));
export const clockTime = (iso: string) => time.format(new Date(iso));
export const fullTime = (iso: string) => full.format(new Date(iso));

/** In a list: the time today, the weekday this week, else the date. */
export function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (dayKey(d) === dayKey(now)) return time.format(d);
  if (now.getTime() - d.getTime() < 6 * DAY_MS) return weekday.format(d);
  return shortDate.format(d);
}

/** Day separators: Today, Yesterday, or the full date. */
export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (dayKey(d) === dayKey(now)) return 'Today';
  if (dayKey(d) === dayKey(new Date(now.getTime() - DAY_MS))) return 'Yesterday';
  return longDate.format(d);
}

export function fileSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "2h 05m" / "12m" / "40s" until a moment; empty once it has passed. */
export function countdown(untilIso: string, now = Date.now()): string {
  const s = Math.floor((new Date(untilIso).getTime() - now) / 1000);
  if (s <= 0) return '';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return m > 0 ? `${m}m` : `${s}s`;
}

export const contactName = (c: Conversation['contact']) =>
  c.name ?? c.phone_number ?? c.external_id ?? 'Unknown contact';

export function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .filter((w) => /\p{L}/u.test(w[0] ?? ''))
    .map((w) => w[0]!.toUpperCase());
  return letters.slice(0, 2).join('') || '#';
}

const KIND_LABEL: Partial<Record<Message['type'], string>> = {
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  sticker: 'Sticker',
  location: 'Location',
  contacts: 'Contact card',
  order: 'Order',
  reaction: 'Reaction',
  unsupported: 'Unsupported message',
};

/** One line about a message, for the list and reply quotes. */
export function previewOf(m: Message): string {
  if (m.deleted_at) return 'Message deleted';
  if (m.type === 'document') return `Document · ${m.body ?? m.attachments[0]?.name ?? 'file'}`;
  if (m.type === 'template') {
    const name = (m.content.template as { name?: unknown } | undefined)?.name;
    return m.body ?? `Template${typeof name === 'string' ? `: ${name}` : ''}`;
  }
  const label = KIND_LABEL[m.type];
  if (label) return m.body ? `${label} · ${m.body}` : label;
  return m.body ?? '';
}

/** Who wrote it, as a prefix in the list ("You: ", "Note: "). */
export function authorPrefix(m: Message, me: User): string {
  if (m.private) return 'Note: ';
  if (m.sender_type === 'user') return m.sender_user_id === me.id ? 'You: ' : 'Agent: ';
  if (m.sender_type === 'bot') return 'Bot: ';
  return '';
}
