import { request, V1 } from './http';
import type { Bot, Integration, Page, Tag, User } from './types';

export interface Role {
  id: string;
  name: string;
  permissions: string[];
  built_in: boolean;
}

export type AdminBot = Bot & { kind: 'rules' | 'webhook' };

export type AdminIntegration = Integration & {
  health: 'ok' | 'unhealthy';
  last_error: { code: number; title: string; message?: string } | null;
};

const list =
  <T>(path: string) =>
  () =>
    request<Page<T>>(`${V1}${path}`, { query: { limit: 100 } });
const create = (path: string) => (body: unknown) =>
  request<unknown>(`${V1}${path}`, { method: 'POST', body });
const remove = (path: string) => (row: { id: string }) =>
  request<void>(`${V1}${path}/${row.id}`, { method: 'DELETE' });

/** The admin pages' REST resources: list, create and delete alike for each. */
const resource = <T>(path: string) => ({ list: list<T>(path), create: create(path), remove: remove(path) });

export const adminApi = {
  users: resource<User>('/users'),
  roles: resource<Role>('/roles'),
  tags: resource<Tag>('/tags'),
  bots: resource<AdminBot>('/bots'),
  integrations: resource<AdminIntegration>('/whatsapp-integration-config'),
  updateUser: (
    userId: string,
    body: {
      name?: string;
      email?: string | null;
      phone_number?: string | null;
      password?: string;
      active?: boolean;
    },
  ) => request<User>(`${V1}/users/${userId}`, { method: 'PATCH', body }),
  setRole: (userId: string, role: string) =>
    request<User>(`${V1}/users/${userId}`, { method: 'PATCH', body: { role } }),
};
