import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminApi, type AdminBot, type AdminIntegration, type Role } from '../api/admin';
import { can } from '../api/session';
import type { Tag, User } from '../api/types';
import { ErrorText } from '../ui/ErrorText';
import { CrudTable, type CrudSpec } from './CrudTable';
import { SettingsSection } from './SettingsSection';
import { ActiveSwitch, UserEditor } from './UserEditor';

export type SectionId = 'users' | 'roles' | 'integrations' | 'tags' | 'bots' | 'settings';

const BUILT_IN_ROLES = ['admin', 'supervisor', 'agent'];
const rolesKey = ['admin', 'roles'] as const;
const usersKey = ['admin', 'users'] as const;

/** Role names to choose from: the tenant's roles when this user may read them, the built-in ones otherwise. */
function useRoleNames(me: User): string[] {
  const roles = useQuery({
    queryKey: rolesKey,
    queryFn: adminApi.roles.list,
    enabled: can(me, 'roles:manage'),
  });
  return roles.data?.data.map((r) => r.name) ?? BUILT_IN_ROLES;
}

function RoleSelect({ user, roles }: { user: User; roles: string[] }) {
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: (role: string) => adminApi.setRole(user.id, role),
    onSuccess: () => qc.invalidateQueries({ queryKey: usersKey }),
  });
  return (
    <>
      <select
        aria-label={`Role of ${user.username}`}
        value={user.role}
        disabled={change.isPending}
        onChange={(e) => change.mutate(e.target.value)}
      >
        {[...new Set([user.role, ...roles])].map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      <ErrorText error={change.error} />
    </>
  );
}

function UsersSection({ me }: { me: User }) {
  const roles = useRoleNames(me);
  const spec: CrudSpec<User> = {
    title: 'Users',
    noun: 'user',
    queryKey: usersKey,
    list: adminApi.users.list,
    nameOf: (u) => u.username,
    columns: [
      { label: 'Name', render: (u) => u.name },
      { label: 'Username', render: (u) => u.username },
      { label: 'Email', render: (u) => u.email ?? '—' },
      {
        label: 'Role',
        // Not one's own: an admin demoting themselves would lock themselves out of this page.
        render: (u) => (u.id !== me.id ? <RoleSelect user={u} roles={roles} /> : u.role),
      },
      {
        label: 'Status',
        render: (u) => (u.active === false ? 'deactivated' : u.online ? u.presence : 'offline'),
      },
      {
        label: 'Edit',
        render: (u) => (
          <>
            <UserEditor user={u} listKey={usersKey} />
            {u.id !== me.id && <ActiveSwitch user={u} listKey={usersKey} />}
          </>
        ),
      },
    ],
    fields: [
      { name: 'name', label: 'Name', required: true },
      { name: 'username', label: 'Username', required: true },
      { name: 'email', label: 'Email', type: 'email' },
      { name: 'password', label: 'Password', type: 'password', required: true },
      { name: 'role', label: 'Role', type: 'select', options: roles, required: true },
    ],
    create: adminApi.users.create,
    remove: adminApi.users.remove,
  };
  return <CrudTable spec={spec} />;
}

const rolesSpec: CrudSpec<Role> = {
  title: 'Roles',
  noun: 'role',
  queryKey: rolesKey,
  list: adminApi.roles.list,
  nameOf: (r) => r.name,
  columns: [
    { label: 'Name', render: (r) => r.name },
    { label: 'Built in', render: (r) => (r.built_in ? 'yes' : 'no') },
    { label: 'Permissions', render: (r) => r.permissions.join(', ') },
  ],
};

const integrationsSpec: CrudSpec<AdminIntegration> = {
  title: 'WhatsApp integrations',
  noun: 'integration',
  queryKey: ['admin', 'integrations'],
  list: adminApi.integrations.list,
  nameOf: (i) => i.name,
  columns: [
    { label: 'Name', render: (i) => i.name },
    { label: 'Phone number ID', render: (i) => i.phone_number_id },
    { label: 'Phone', render: (i) => i.display_phone_number ?? '—' },
    {
      label: 'Health',
      render: (i) => (
        <span className={`health ${i.health}`} title={i.last_error?.message ?? i.last_error?.title}>
          {i.health === 'ok' ? 'OK' : `Unhealthy: ${i.last_error?.title ?? 'token refused'}`}
        </span>
      ),
    },
  ],
  // Secrets are write-only: typed here, sent once, never read back by the API.
  fields: [
    { name: 'name', label: 'Name', required: true },
    { name: 'phone_number_id', label: 'Phone number ID', required: true },
    { name: 'display_phone_number', label: 'Display phone number' },
    { name: 'access_token', label: 'Access token', type: 'password', required: true },
    { name: 'app_secret', label: 'App secret', type: 'password' },
    { name: 'verify_token', label: 'Verify token', type: 'password' },
  ],
  create: adminApi.integrations.create,
  remove: adminApi.integrations.remove,
};

const tagsSpec: CrudSpec<Tag> = {
  title: 'Tags',
  noun: 'tag',
  queryKey: ['admin', 'tags'],
  list: adminApi.tags.list,
  nameOf: (t) => t.name,
  columns: [
    {
      label: 'Name',
      render: (t) => (
        <span className="tag-name">
          <span className="swatch" style={{ background: t.color ?? 'transparent' }} aria-hidden="true" />
          {t.name}
        </span>
      ),
    },
    { label: 'Colour', render: (t) => t.color ?? '—' },
  ],
  fields: [
    { name: 'name', label: 'Name', required: true },
    { name: 'color', label: 'Colour', type: 'color' },
  ],
  create: adminApi.tags.create,
  remove: adminApi.tags.remove,
};

const botsSpec: CrudSpec<AdminBot> = {
  title: 'Bots',
  noun: 'bot',
  queryKey: ['admin', 'bots'],
  list: adminApi.bots.list,
  nameOf: (b) => b.name,
  columns: [
    { label: 'Name', render: (b) => b.name },
    { label: 'Kind', render: (b) => b.kind },
    { label: 'Description', render: (b) => b.description ?? '—' },
  ],
  fields: [
    { name: 'name', label: 'Name', required: true },
    { name: 'kind', label: 'Kind', type: 'select', options: ['rules', 'webhook'], required: true },
    { name: 'description', label: 'Description' },
  ],
  create: adminApi.bots.create,
  remove: adminApi.bots.remove,
};

/** Each admin page, with the permission that shows it. */
export const SECTIONS: { id: SectionId; label: string; permission: string }[] = [
  { id: 'users', label: 'Users', permission: 'users:write' },
  { id: 'roles', label: 'Roles', permission: 'roles:manage' },
  { id: 'integrations', label: 'WhatsApp', permission: 'integrations:manage' },
  { id: 'tags', label: 'Tags', permission: 'tags:write' },
  { id: 'bots', label: 'Bots', permission: 'bots:manage' },
  { id: 'settings', label: 'Settings', permission: 'settings:manage' },
];

export const sectionsFor = (me: User) => SECTIONS.filter((s) => can(me, s.permission));

export function Section({ id, me }: { id: SectionId; me: User }) {
  switch (id) {
    case 'users':
      return <UsersSection me={me} />;
    case 'roles':
      return <CrudTable spec={rolesSpec} />;
    case 'integrations':
      return <CrudTable spec={integrationsSpec} />;
    case 'tags':
      return <CrudTable spec={tagsSpec} />;
    case 'bots':
      return <CrudTable spec={botsSpec} />;
    case 'settings':
      return <SettingsSection />;
  }
}
