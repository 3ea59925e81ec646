import type { ReactNode } from 'react';

// A URL runs to the next space; trailing punctuation belongs to the sentence, not the link.
const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"]+[^\s<>".,;:!?'")\]]/gi;

/** Only http(s) links, whatever the text claims: never javascript:, data: and the like. */
export function safeHref(text: string): string | null {
  try {
    const url = new URL(text.startsWith('www.') ? `https://${text}` : text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * User text as React text nodes (React escapes them: no HTML from users ever reaches the page),
 * with its web addresses as links that open in a new tab without access to this one.
 */
export function Linkified({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const href = safeHref(match[0]);
    if (!href) continue;
    parts.push(text.slice(last, match.index));
    parts.push(
      <a key={match.index} href={href} target="_blank" rel="noopener noreferrer nofollow">
        {match[0]}
      </a>,
    );
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  // Strings need no key; each link has its own.
  return <>{parts}</>;
}
