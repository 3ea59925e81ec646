import { useState } from 'react';
import { api } from '../api/endpoints';
import type { Conversation, User } from '../api/types';
import { PresenceDot, usePresence } from '../realtime/presence';
import { openConversation } from '../router';
import { Avatar } from '../ui/Avatar';
import { contactName } from './format';
import { TransferDialog } from './TransferDialog';

const STATUS_LABEL: Record<Conversation['status'], string> = {
  queue: 'In queue',
  active: 'Active',
  transferred: 'Transferred',
  closed: 'Closed',
};

interface Props {
  conversation: Conversation;
  me: User;
  users: Map<string, User>;
  busy: boolean;
  canAssign: boolean;
  contactOpen: boolean;
  onToggleContact: () => void;
  run: (action: () => Promise<Conversation>) => void;
}

function assigneeText(c: Conversation, me: User, users: Map<string, User>) {
  if (c.assigned_bot_id) return 'Assigned to a bot';
  if (!c.assigned_user_id) return 'Unassigned';
  if (c.assigned_user_id === me.id) return 'Assigned to you';
  return `Assigned to ${users.get(c.assigned_user_id)?.name ?? 'another agent'}`;
}

/** Who the customer is, where the conversation stands, and what can be done with it. */
export function ConversationHeader({
  conversation: c,
  me,
  users,
  busy,
  canAssign,
  contactOpen,
  onToggleContact,
  run,
}: Props) {
  const [transferring, setTransferring] = useState(false);
  const name = contactName(c.contact);
  const mine = c.assigned_user_id === me.id;
  const assigned = Boolean(c.assigned_user_id || c.assigned_bot_id);
  const reopenTo = assigned ? 'active' : 'queue';
  const other = c.assigned_user_id && !mine ? users.get(c.assigned_user_id) : undefined;
  const presence = usePresence(other ? [other.id] : []);
  return (
    <header className="thread-header">
      <Avatar name={name} />
      <div className="thread-title">
        <h2>{name}</h2>
        <div className="muted small">
          {c.contact.phone_number && <span>{c.contact.phone_number} · </span>}
          <span className={`status-pill ${c.status}`}>{STATUS_LABEL[c.status]}</span> ·{' '}
          {assigneeText(c, me, users)}
          {other && <PresenceDot name={other.name} status={presence.get(other.id)} />}
        </div>
      </div>
      <div className="actions" role="toolbar" aria-label="Conversation actions">
        {canAssign && !mine && (
          <button type="button" disabled={busy} onClick={() => run(() => api.assign(c.id, {}))}>
            Assign to me
          </button>
        )}
        {canAssign && assigned && (
          <button type="button" disabled={busy} onClick={() => run(() => api.unassign(c.id))}>
            Unassign
          </button>
        )}
        {canAssign && (
          <button type="button" disabled={busy} onClick={() => setTransferring(true)}>
            Transfer…
          </button>
        )}
        {c.status === 'closed' ? (
          <button type="button" disabled={busy} onClick={() => run(() => api.setStatus(c.id, reopenTo))}>
            Reopen
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => run(() => api.setStatus(c.id, 'closed'))}>
            Close
          </button>
        )}
        <button
          type="button"
          disabled={busy}
          title="Mark unread and go back to the list"
          onClick={() => {
            run(() => api.markUnread(c.id));
            openConversation(null);
          }}
        >
          Mark unread
        </button>
        <button
          type="button"
          aria-pressed={contactOpen}
          onClick={onToggleContact}
          title="Contact details (c)"
        >
          Contact
        </button>
      </div>
      {transferring && (
        <TransferDialog
          users={users}
          me={me}
          busy={busy}
          onClose={() => setTransferring(false)}
          onTransfer={(target) => {
            run(() => api.transfer(c.id, target));
            setTransferring(false);
          }}
        />
      )}
    </header>
  );
}
