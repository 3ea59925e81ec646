import { useQueryClient } from '@tanstack/react-query';
import { Enrol } from '../profile/MfaCard';
import { reloadMe } from '../profile/refreshMe';
import { logout } from '../inbox/SidebarHeader';

/** MFA_REQUIRED_ROLES: the server serves nothing else to this user until two-factor is on. */
export function MfaSetupPage() {
  const qc = useQueryClient();
  return (
    <main className="login">
      <section className="login-card" aria-labelledby="mfa-setup-title">
        <h1 id="mfa-setup-title">Set up two-factor authentication</h1>
        <p className="muted">Your role requires it before you can use the inbox.</p>
        <Enrol onDone={() => reloadMe(qc)} />
        <button type="button" className="link" onClick={() => void logout()}>
          Log out
        </button>
      </section>
    </main>
  );
}
