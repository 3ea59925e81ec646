import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { Conversation } from '../../src/db/schema.js';
import { openSession } from '../../src/features/auth/sessions.js';
import { BUILT_IN_ROLES } from '../../src/features/roles/permissions.js';
import { DomainEventType } from '../../src/platform/event-types.js';
import { createTestApp, forgetRedisKeys, type TestApp, type TestAppOptions } from './app.js';
import { createTestDatabase } from './db.js';
import { createMessage, createRole, createTenant, createUser } from './factories.js';

export type ClientSocket = Socket;
export type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/** A test app listening on a real port, with real socket.io-client connections to /crm. */
export interface RealtimeTestApp extends TestApp {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The bootstrapped admin's tenant, where createUser() puts users. */
  tenantId: string;
  /** Connects to /crm (token in `auth.token` unless options say otherwise); rejects with the refusal. */
  connect(token?: string, options?: ClientOptions): Promise<ClientSocket>;
  /** A user of a brand-new tenant with the given built-in role's permissions, and a token for it. */
  foreignUser(role?: keyof typeof BUILT_IN_ROLES): Promise<{ id: string; tenantId: string; token: string }>;
}

/** A client that reconnects on its own, quickly and predictably, like a tab whose network blinked. */
export const RECONNECTING: ClientOptions = {
  reconnection: true,
  reconnectionDelay: 300,
  reconnectionDelayMax: 300,
  randomizationFactor: 0,
};

/** Inserts an inbound message and publishes message.created for it, as the messages service does. */
export async function publishNewMessage(t: TestApp, conversation: Conversation): Promise<string> {
  const message = await createMessage(t.deps.database.db, conversation);
  t.deps.events.publish({
    type: DomainEventType.MessageCreated,
    tenantId: conversation.tenantId,
    payload: { id: message.id, conversation_id: conversation.id },
  });
  return message.id;
}

/** Opens a client and waits for the outcome of its first connection attempt. */
export function connectClient(
  url: string,
  token?: string,
  options: ClientOptions = {},
): Promise<ClientSocket> {
  const socket = io(`${url}/crm`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(token ? { auth: { token } } : {}),
    ...options,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

export async function createRealtimeTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<RealtimeTestApp> {
  const t = await createTestApp(env, options);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const clients: ClientSocket[] = [];
  const db = t.deps.database.db;
  const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', token: await t.adminToken() });
  return {
    ...t,
    url,
    tenantId: me.json<{ tenant_id: string }>().tenant_id,
    async connect(token, clientOptions) {
      const socket = await connectClient(url, token, clientOptions);
      clients.push(socket);
      return socket;
    },
    async foreignUser(role = 'agent') {
      const tenant = await createTenant(db);
      const roleRow = await createRole(db, tenant.id, { name: role, permissions: BUILT_IN_ROLES[role] });
      const user = await createUser(db, tenant.id, { roleId: roleRow.id });
      const sessionId = await openSession(db, tenant.id, user.id);
      const { token } = await t.deps.tokens.issue(user.id, tenant.id, sessionId);
      return { id: user.id, tenantId: tenant.id, token };
    },
    async close() {
      for (const socket of clients) socket.close();
      await t.close();
    },
  };
}

/**
 * Several instances of one deployment: one database, one Redis key prefix, one JWT secret, so a
 * token issued by one instance works on every other and the Socket.IO adapter joins them.
 */
export async function createRealtimeCluster(
  size: number,
  env: Record<string, string> = {},
): Promise<{ instances: RealtimeTestApp[]; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const keyPrefix = `apice-test:cluster:${randomUUID()}:`;
  const shared = { JWT_SECRET: randomBytes(48).toString('base64url'), ...env };
  const instances: RealtimeTestApp[] = [];
  for (let i = 0; i < size; i++) instances.push(await createRealtimeTestApp(shared, { database, keyPrefix }));
  return {
    instances,
    async close() {
      for (const instance of instances) await instance.close();
      await database.close();
      await forgetRedisKeys(keyPrefix);
    },
  };
}

/** The payload of the next `event` on the socket (the first argument). */
export function nextEvent<T = unknown>(socket: ClientSocket, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, listener);
  });
}

/** Every payload of `event` the socket receives from now on. */
export function record<T = unknown>(socket: ClientSocket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Emits with an acknowledgement and returns it. */
export function request<T = unknown>(socket: ClientSocket, event: string, payload?: unknown): Promise<T> {
  return socket.timeout(5_000).emitWithAck(event, payload) as Promise<T>;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once check() holds; polls, for state that arrives by events or timers. */
export async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
