import { useSyncExternalStore } from 'react';
import { AdminPage } from './admin/AdminPage';
import { session } from './api/session';
import { LoginPage } from './auth/LoginPage';
import { InboxPage } from './inbox/InboxPage';
import { RealtimeProvider } from './realtime/RealtimeProvider';
import { useAdminSection } from './router';

export function App() {
  const current = useSyncExternalStore(session.subscribe, session.get);
  const adminSection = useAdminSection();
  if (!current) return <LoginPage />;
  return (
    <RealtimeProvider userId={current.user.id}>
      {adminSection === undefined ? (
        <InboxPage me={current.user} />
      ) : (
        <AdminPage me={current.user} section={adminSection} />
      )}
    </RealtimeProvider>
  );
}
