import type { Message } from '../api/types';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

/** Reactions grouped by emoji; ours can be taken back by clicking it. */
export function Reactions({
  message,
  meId,
  onToggle,
}: {
  message: Message;
  meId: string;
  onToggle: (emoji: string, mine: boolean) => void;
}) {
  if (!message.reactions.length) return null;
  const groups = new Map<string, { count: number; mine: boolean }>();
  for (const r of message.reactions) {
    const g = groups.get(r.emoji) ?? { count: 0, mine: false };
    g.count += 1;
    g.mine ||= r.sender_type === 'user' && r.sender_id === meId;
    groups.set(r.emoji, g);
  }
  return (
    <div className="reactions">
      {[...groups].map(([emoji, g]) => (
        <button
          key={emoji}
          type="button"
          className={`reaction ${g.mine ? 'mine' : ''}`}
          aria-pressed={g.mine}
          aria-label={`${emoji} ${g.count}${g.mine ? ', yours: click to remove' : ''}`}
          onClick={() => onToggle(emoji, g.mine)}
        >
          {emoji}
          {g.count > 1 && <span>{g.count}</span>}
        </button>
      ))}
    </div>
  );
}
