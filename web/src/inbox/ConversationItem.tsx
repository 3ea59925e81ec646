import { memo } from 'react';
import type { Conversation, User } from '../api/types';
import { useTypists } from '../realtime/typing';
import { Avatar } from '../ui/Avatar';
import { activityOf } from './cache';
import { authorPrefix, contactName, fullTime, previewOf, shortTime } from './format';

interface Props {
  conversation: Conversation;
  me: User;
  selected: boolean;
  onOpen: (id: string) => void;
}

function ConversationItemView({ conversation: c, me, selected, onOpen }: Props) {
  const typing = useTypists(c.id).length > 0;
  const name = contactName(c.contact);
  const unread = c.unread_count;
  const last = c.last_message;
  const when = activityOf(c);
  return (
    <li>
      <button
        type="button"
        className={`conversation-item ${selected ? 'selected' : ''} ${unread || !c.read ? 'unread' : ''}`}
        aria-current={selected ? 'true' : undefined}
        data-conversation-id={c.id}
        onClick={() => onOpen(c.id)}
      >
        <Avatar name={name} />
        <span className="item-main">
          <span className="item-top">
            <span className="item-name">{name}</span>
            <time dateTime={when} title={fullTime(when)}>
              {shortTime(when)}
            </time>
          </span>
          <span className="item-bottom">
            <span className="item-preview">
              {typing ? (
                <em className="typing-text">typing…</em>
              ) : last ? (
                `${authorPrefix(last, me)}${previewOf(last)}`
              ) : (
                <span className="muted">No messages yet</span>
              )}
            </span>
            {c.status === 'closed' && <span className="status-pill closed small">Closed</span>}
            {unread > 0 ? (
              <span className="badge" aria-label={`${unread} unread`}>
                {unread > 99 ? '99+' : unread}
              </span>
            ) : (
              !c.read && <span className="badge dot" aria-label="Marked unread" />
            )}
          </span>
        </span>
      </button>
    </li>
  );
}

export const ConversationItem = memo(ConversationItemView);
