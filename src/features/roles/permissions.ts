/** Every permission a role can hold. Endpoints are guarded by these, never by role names. */
export const PERMISSIONS = [
  'users:read',
  'users:write',
  'roles:manage',
  'contacts:read',
  'contacts:write',
  'tags:write',
  'conversations:read_all',
  'conversations:write',
  'conversations:assign',
  'messages:write',
  'media:write',
  'catalog:write',
  'bots:manage',
  'integrations:manage',
  'templates:manage',
  'webhooks:manage',
  'analytics:read',
  'audit:read',
  'settings:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const ALL: Permission[] = [...PERMISSIONS];

/** The built-in roles every tenant starts with; they cannot be renamed or deleted. */
export const BUILT_IN_ROLES: Record<'admin' | 'supervisor' | 'agent', Permission[]> = {
  admin: ALL,
  supervisor: [
    'users:read',
    'contacts:read',
    'contacts:write',
    'tags:write',
    'conversations:read_all',
    'conversations:write',
    'conversations:assign',
    'messages:write',
    'media:write',
    'catalog:write',
    'templates:manage',
    'analytics:read',
  ],
  agent: [
    'users:read',
    'contacts:read',
    'conversations:write',
    'conversations:assign',
    'messages:write',
    'media:write',
  ],
};

export const isPermission = (value: string): value is Permission =>
  (PERMISSIONS as readonly string[]).includes(value);
