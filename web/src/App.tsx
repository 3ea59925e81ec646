import { useSyncExternalStore } from 'react';
import { AdminPage } from './admin/AdminPage';
import { session } from './api/session';
import { LinkPages } from './auth/LinkPages';
import { LoginPage } from './auth/LoginPage';
import { MfaSetupPage } from './auth/MfaSetupPage';
import { InboxPage } from './inbox/InboxPage';
import { ProfilePage } from './profile/ProfilePage';
import { RealtimeProvider } from './realtime/RealtimeProvider';
import { useAdminSection, useLinkPage, useProfileRoute } from './router';
import { useUserTheme } from './settings/theme';

/** The user's theme applies on every page; only rendered once someone is logged in. */
function UserTheme() {
  useUserTheme();
  return null;
}

export function App() {
  const current = useSyncExternalStore(session.subscribe, session.get);
  const adminSection = useAdminSection();
  const profile = useProfileRoute();
  const link = useLinkPage();
  if (link) return <LinkPages {...link} />;
  if (!current) return <LoginPage />;
  if (current.mfa_setup_required && !current.user.mfa_enabled) return <MfaSetupPage />;
  return (
    <RealtimeProvider userId={current.user.id}>
      <UserTheme />
      {profile ? (
        <ProfilePage me={current.user} />
      ) : adminSection === undefined ? (
        <InboxPage me={current.user} />
      ) : (
        <AdminPage me={current.user} section={adminSection} />
      )}
    </RealtimeProvider>
  );
}
