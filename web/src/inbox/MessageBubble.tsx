import { memo, useState } from 'react';
import type { Message } from '../api/types';
import { obj, text } from './content';
import { Icon } from '../ui/Icon';
import { DeliveryTicks } from './DeliveryTicks';
import { clockTime, fullTime, previewOf } from './format';
import { MessageContent } from './MessageContent';
import { QUICK_REACTIONS, Reactions } from './Reactions';

export interface BubbleProps {
  message: Message;
  quoted: Message | undefined;
  /** The customer's name, the agent's name or "Bot". */
  nameOf: (m: Message) => string;
  meId: string;
  onReply: (m: Message) => void;
  onReact: (m: Message, emoji: string, remove: boolean) => void;
}

function Quote({ message, quoted, nameOf }: Pick<BubbleProps, 'message' | 'quoted' | 'nameOf'>) {
  const context = obj(message.content.context);
  if (!message.reply_to_id && !text(context.id)) return null;
  return (
    <blockquote className="quote">
      {quoted ? (
        <>
          <span className="quote-author">{nameOf(quoted)}</span>
          {previewOf(quoted) || 'Message'}
        </>
      ) : (
        <span className="muted">Reply to an earlier message</span>
      )}
    </blockquote>
  );
}

/** One message: quote, author, content, time and ticks, reactions, and its actions. */
function MessageBubbleView({ message: m, quoted, nameOf, meId, onReply, onReact }: BubbleProps) {
  const [picking, setPicking] = useState(false);
  if (m.type === 'system' || m.sender_type === 'system') {
    return (
      <div className="system-message" role="note">
        {m.body ?? 'System notice'} · <time dateTime={m.created_at}>{clockTime(m.created_at)}</time>
      </div>
    );
  }
  const outgoing = m.sender_type !== 'contact';
  const classes = [
    'bubble',
    outgoing ? 'out' : 'in',
    m.private ? 'note' : '',
    m.whatsapp_status === 'failed' ? 'failed' : '',
  ];
  return (
    <article
      className={classes.filter(Boolean).join(' ')}
      data-message-id={m.id}
      aria-label={m.private ? 'Private note' : outgoing ? 'Sent message' : 'Received message'}
    >
      {m.private && (
        <div className="note-label">
          <Icon name="lock" size={12} /> Private note · only your team sees this
        </div>
      )}
      {outgoing && <div className="author">{nameOf(m)}</div>}
      <Quote message={m} quoted={quoted} nameOf={nameOf} />
      <MessageContent message={m} />
      <div className="meta">
        {m.edited_at && <span className="muted">edited</span>}
        <time dateTime={m.created_at} title={fullTime(m.created_at)}>
          {clockTime(m.created_at)}
        </time>
        <DeliveryTicks message={m} />
      </div>
      <Reactions message={m} meId={meId} onToggle={(emoji, mine) => onReact(m, emoji, mine)} />
      {!m.deleted_at && (
        <div className="message-actions">
          <button type="button" onClick={() => onReply(m)} aria-label="Reply to this message" title="Reply">
            <Icon name="reply" size={14} />
          </button>
          {!m.private && (
            <button
              type="button"
              onClick={() => setPicking((p) => !p)}
              aria-label="React to this message"
              aria-expanded={picking}
              title="React"
            >
              <Icon name="smile" size={14} />
            </button>
          )}
          {picking && (
            <div
              className="emoji-picker"
              role="menu"
              onKeyDown={(e) => e.key === 'Escape' && setPicking(false)}
            >
              {QUICK_REACTIONS.map((emoji) => (
                <button
                  key={emoji}
                  type="button"
                  role="menuitem"
                  aria-label={`React with ${emoji}`}
                  onClick={() => {
                    setPicking(false);
                    onReact(m, emoji, false);
                  }}
                >
                  {emoji}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
    </article>
  );
}

/** Messages are replaced, never mutated, so an unchanged one skips rendering. */
export const MessageBubble = memo(MessageBubbleView);
