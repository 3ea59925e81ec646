import type { User } from '../api/types';
import { navigate } from '../router';
import { Section, sectionsFor } from './sections';

/** The admin pages: a menu of the sections this user may manage, and the chosen one. */
export function AdminPage({ me, section }: { me: User; section: string | null }) {
  const allowed = sectionsFor(me);
  const current = allowed.find((s) => s.id === section) ?? allowed[0];
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label="Admin">
        <button type="button" className="link" onClick={() => navigate('/')}>
          ← Inbox
        </button>
        {allowed.map((s) => (
          <a
            key={s.id}
            href={`/admin/${s.id}`}
            aria-current={s.id === current?.id ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/admin/${s.id}`);
            }}
          >
            {s.label}
          </a>
        ))}
      </nav>
      <main className="admin-main">
        {current ? (
          <Section key={current.id} id={current.id} me={me} />
        ) : (
          <p className="empty-state">You have no admin permissions.</p>
        )}
      </main>
    </div>
  );
}
