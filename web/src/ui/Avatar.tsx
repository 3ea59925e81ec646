import type { Presence } from '../api/types';
import { initials } from '../inbox/format';

const HUES = [210, 160, 20, 280, 340, 45, 190, 120];

function hueOf(text: string) {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return HUES[h % HUES.length]!;
}

/** Initials on a colour derived from the name; an optional presence dot. */
export function Avatar({ name, presence, size = 36 }: { name: string; presence?: Presence; size?: number }) {
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.38, background: `hsl(${hueOf(name)} 55% 46%)` }}
    >
      {initials(name)}
      {presence && <span className={`presence-dot ${presence}`} />}
    </span>
  );
}
