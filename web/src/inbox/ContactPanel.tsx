import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/endpoints';
import { can } from '../api/session';
import type { Contact, Conversation, ConversationEvent, User } from '../api/types';
import { openConversation } from '../router';
import { ErrorText } from '../ui/ErrorText';
import { Icon } from '../ui/Icon';
import { keys } from './cache';
import { contactName, fullTime, shortTime } from './format';
import { useTags } from './queries';

function describeEvent(e: ConversationEvent, users: Map<string, User>): string {
  const who = (id: string | null) => (id ? (users.get(id)?.name ?? 'an agent') : 'nobody');
  const actor = e.actor_user_id ? (users.get(e.actor_user_id)?.name ?? 'An agent') : 'The system';
  switch (e.kind) {
    case 'assigned':
      return `${actor} assigned it to ${e.to_bot_id ? 'a bot' : who(e.to_user_id)}`;
    case 'unassigned':
      return `${actor} unassigned it`;
    case 'transferred':
      return `${actor} transferred it to ${e.to_bot_id ? 'a bot' : who(e.to_user_id)}${e.note ? `: “${e.note}”` : ''}`;
    case 'reopened':
      return `${actor} reopened it`;
    case 'created':
      return `Conversation started${e.actor_user_id ? ` by ${actor}` : ''}`;
    default:
      return `${actor} changed the status${e.from_status ? ` from ${e.from_status}` : ''} to ${e.to_status ?? '?'}`;
  }
}

const Fact = ({ label, value }: { label: string; value: string }) => (
  <div className="fact">
    <dt>{label}</dt>
    <dd>{value}</dd>
  </div>
);

function Tags({ contact, editable }: { contact: Contact; editable: boolean }) {
  const qc = useQueryClient();
  const tags = useTags();
  const [adding, setAdding] = useState('');
  const change = useMutation({
    mutationFn: ({ id, add }: { id: string; add: boolean }) =>
      add ? api.addTags(contact.id, [id]) : api.removeTags(contact.id, [id]),
    onSuccess: (updated) => {
      qc.setQueryData(keys.contact(contact.id), updated);
      setAdding('');
    },
  });
  const available = (tags.data?.data ?? []).filter((t) => !contact.tags.some((ct) => ct.id === t.id));
  return (
    <div>
      <ul className="tags" aria-label="Tags">
        {contact.tags.map((t) => (
          <li key={t.id} className="tag" style={t.color ? { borderColor: t.color } : undefined}>
            {t.name}
            {editable && (
              <button
                type="button"
                aria-label={`Remove tag ${t.name}`}
                onClick={() => change.mutate({ id: t.id, add: false })}
              >
                <Icon name="close" size={12} />
              </button>
            )}
          </li>
        ))}
        {!contact.tags.length && <li className="muted small">No tags</li>}
      </ul>
      {editable && available.length > 0 && (
        <select
          aria-label="Add a tag"
          value={adding}
          onChange={(e) => {
            setAdding(e.target.value);
            if (e.target.value) change.mutate({ id: e.target.value, add: true });
          }}
        >
          <option value="">Add a tag…</option>
          {available.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      )}
      <ErrorText error={change.error} />
    </div>
  );
}

/** The customer: who they are, their tags and attributes, earlier conversations, and this one's trail. */
export function ContactPanel({
  conversation,
  me,
  users,
}: {
  conversation: Conversation;
  me: User;
  users: Map<string, User>;
}) {
  const contactId = conversation.contact.id;
  const contact = useQuery({ queryKey: keys.contact(contactId), queryFn: () => api.contact(contactId) });
  const lookup = conversation.contact.phone_number ?? conversation.contact.name ?? '';
  const past = useQuery({
    queryKey: keys.contactConversations(contactId),
    queryFn: () => api.contactConversations(lookup),
    enabled: lookup.length > 0,
  });
  const events = useQuery({
    queryKey: [...keys.events(conversation.id), conversation.updated_at],
    queryFn: () => api.conversationEvents(conversation.id),
  });
  const others = (past.data?.data ?? []).filter(
    (c) => c.contact.id === contactId && c.id !== conversation.id,
  );
  const c = contact.data;

  return (
    <aside className="contact-panel" aria-label="Contact details">
      {contact.isPending && <p className="muted">Loading contact…</p>}
      <ErrorText error={contact.error} />
      {c && (
        <>
          <h2>{c.name ?? contactName(conversation.contact)}</h2>
          <dl className="facts">
            <Fact label="Phone" value={c.phone_number ?? '—'} />
            {c.email && <Fact label="Email" value={c.email} />}
            {Object.entries(c.attributes).map(([key, value]) => (
              <Fact key={key} label={key} value={typeof value === 'string' ? value : JSON.stringify(value)} />
            ))}
          </dl>
          <h3>Tags</h3>
          <Tags contact={c} editable={can(me, 'contacts:write')} />
        </>
      )}
      <h3>Other conversations</h3>
      {others.length ? (
        <ul className="plain">
          {others.map((o) => (
            <li key={o.id}>
              <button type="button" className="link" onClick={() => openConversation(o.id)}>
                {shortTime(o.last_message?.created_at ?? o.created_at)} · {o.status}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">None</p>
      )}
      <h3>Activity</h3>
      <ol className="trail">
        {(events.data?.data ?? []).map((e) => (
          <li key={e.id}>
            <time dateTime={e.created_at} className="muted small">
              {fullTime(e.created_at)}
            </time>
            <div>{describeEvent(e, users)}</div>
          </li>
        ))}
        {events.isSuccess && !events.data.data.length && (
          <li className="muted small">No assignments or status changes yet</li>
        )}
      </ol>
    </aside>
  );
}
