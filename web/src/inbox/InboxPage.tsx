import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { api, type ConversationFilters, type Tab } from '../api/endpoints';
import { can, session } from '../api/session';
import type { Conversation, User } from '../api/types';
import { useConnection } from '../realtime/RealtimeProvider';
import { openConversation, useOpenConversationId } from '../router';
import { Icon } from '../ui/Icon';
import { keys } from './cache';
import { ConversationList } from './ConversationList';
import { ConversationView } from './ConversationView';
import { ListFilters } from './ListFilters';
import { useLiveUpdates, type GoneReason } from './live-updates';
import { SidebarHeader } from './SidebarHeader';
import { SimulatorPanel } from './SimulatorPanel';

const TAB_KEY = 'apicechat.tab';
const NOTICE_MS = 6_000;
const GONE_NOTICE: Record<GoneReason, string> = {
  removed: 'That conversation was assigned to someone else, so it left your inbox.',
  deleted: 'That conversation was deleted.',
};

function initialFilters(tabs: Tab[]): ConversationFilters {
  const saved = localStorage.getItem(TAB_KEY) as Tab | null;
  const tab = saved && tabs.includes(saved) ? saved : (tabs.at(-1) ?? 'mine');
  return { tab, status: '', tag_id: '', search: '' };
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/** The inbox: the list on the left, the open conversation in the middle, the contact on the right. */
export function InboxPage({ me }: { me: User }) {
  const qc = useQueryClient();
  const openId = useOpenConversationId();
  const connection = useConnection();
  const tabs: Tab[] = can(me, 'conversations:read_all')
    ? ['mine', 'unassigned', 'all']
    : ['mine', 'unassigned'];
  const [filters, setFilters] = useState(() => initialFilters(tabs));
  const [contactOpen, setContactOpen] = useState(true);
  const [simulating, setSimulating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const onError = useCallback(
    (err: unknown) => setNotice(err instanceof Error ? err.message : String(err)),
    [],
  );
  const onGone = useCallback(
    (id: string, reason: GoneReason) => {
      if (id !== openId) return;
      openConversation(null);
      setNotice(GONE_NOTICE[reason]);
    },
    [openId],
  );
  useLiveUpdates(me, { onSystemError: setNotice, onGone });

  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [notice]);

  // Permissions may have changed since login (a new role): the server's word wins.
  const fresh = useQuery({ queryKey: ['me'], queryFn: () => api.me(), staleTime: Infinity });
  useEffect(() => {
    if (fresh.data && JSON.stringify(fresh.data) !== JSON.stringify(me)) session.setUser(fresh.data);
  }, [fresh.data, me]);

  const changeFilters = useCallback((f: ConversationFilters) => {
    localStorage.setItem(TAB_KEY, f.tab);
    setFilters(f);
  }, []);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey || document.querySelector('dialog[open]'))
        return;
      if (e.key === '/') {
        e.preventDefault();
        document.getElementById('conversation-search')?.focus();
      } else if (e.key === 'Escape' && openId) {
        openConversation(null);
      } else if (e.key === 'c' && openId) {
        setContactOpen((open) => !open);
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [openId]);

  // Read once, when the simulator panel opens, to prefill the customer of the open conversation.
  const open = openId ? qc.getQueryData<Conversation>(keys.conversation(openId)) : undefined;
  return (
    <div className={`inbox ${openId ? 'has-open' : ''}`}>
      <aside className="sidebar">
        <SidebarHeader me={me} onError={onError} />
        <ListFilters filters={filters} tabs={tabs} onChange={changeFilters} />
        <ConversationList filters={filters} me={me} openId={openId} />
        {can(me, 'integrations:manage') && (
          <footer className="sidebar-footer">
            {simulating ? (
              <SimulatorPanel conversation={open} onClose={() => setSimulating(false)} />
            ) : (
              <button type="button" className="link" onClick={() => setSimulating(true)}>
                Simulated customer…
              </button>
            )}
          </footer>
        )}
      </aside>
      <main className="main">
        {connection === 'offline' && (
          <div className="banner" role="status">
            Connection lost. Reconnecting…
          </div>
        )}
        {openId ? (
          <ConversationView
            key={openId}
            id={openId}
            me={me}
            contactOpen={contactOpen}
            onToggleContact={() => setContactOpen((o) => !o)}
            onError={onError}
          />
        ) : (
          <section className="thread empty-state">
            <h2>Select a conversation</h2>
            <p className="muted">
              <kbd>j</kbd>/<kbd>k</kbd> move through the list, <kbd>/</kbd> searches, <kbd>Esc</kbd> closes.
            </p>
          </section>
        )}
      </main>
      {notice && (
        <div className="toast" role="alert">
          {notice}
          <button type="button" aria-label="Dismiss" onClick={() => setNotice(null)}>
            <Icon name="close" size={12} />
          </button>
        </div>
      )}
    </div>
  );
}
