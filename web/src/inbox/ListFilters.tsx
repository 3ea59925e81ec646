import { useEffect, useState } from 'react';
import type { ConversationFilters, Tab } from '../api/endpoints';
import type { ConversationStatus } from '../api/types';
import { useTags } from './queries';

const STATUSES: { value: ConversationStatus | ''; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'queue', label: 'In queue' },
  { value: 'active', label: 'Active' },
  { value: 'transferred', label: 'Transferred' },
  { value: 'closed', label: 'Closed' },
];

const TAB_LABEL: Record<Tab, string> = { mine: 'Mine', unassigned: 'Unassigned', all: 'All' };

export function ListFilters({
  filters,
  tabs,
  onChange,
}: {
  filters: ConversationFilters;
  tabs: Tab[];
  onChange: (f: ConversationFilters) => void;
}) {
  const tags = useTags();
  const [search, setSearch] = useState(filters.search);
  // Typing in the search box asks the server once the typing pauses, not at every key.
  useEffect(() => {
    if (search === filters.search) return;
    const timer = window.setTimeout(() => onChange({ ...filters, search }), 300);
    return () => window.clearTimeout(timer);
  }, [search, filters, onChange]);

  return (
    <div className="filters">
      <div className="tabs" role="tablist" aria-label="Conversation lists">
        {tabs.map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            aria-selected={filters.tab === tab}
            className={filters.tab === tab ? 'active' : ''}
            onClick={() => onChange({ ...filters, tab })}
          >
            {TAB_LABEL[tab]}
          </button>
        ))}
      </div>
      <input
        type="search"
        id="conversation-search"
        className="search"
        placeholder="Search name, phone or email  ( / )"
        aria-label="Search conversations"
        value={search}
        maxLength={100}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && (setSearch(''), e.currentTarget.blur())}
      />
      <div className="row">
        <select
          aria-label="Filter by status"
          value={filters.status}
          onChange={(e) => onChange({ ...filters, status: e.target.value as ConversationStatus | '' })}
        >
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <select
          aria-label="Filter by tag"
          value={filters.tag_id}
          onChange={(e) => onChange({ ...filters, tag_id: e.target.value })}
        >
          <option value="">Any tag</option>
          {(tags.data?.data ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
