import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AppDeps } from '../../app.js';
import type { Db } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { isoDate } from '../../http/schemas.js';
import { DomainEventType } from '../../platform/event-types.js';
import type { DomainEvents } from '../../platform/events.js';
import type { KeyValueStore } from '../../platform/kv.js';
import { users } from '../users/users.table.js';
import type { PresenceDto, PresenceStatus, SettableStatus } from './presence.schema.js';

/** Whose presence: realtime/ knows users by socket, REST by request context; both carry these two. */
export interface PresenceUser {
  tenantId: string;
  userId: string;
}

/**
 * How long a "has a live socket" mark survives without a heartbeat. Instances holding sockets of
 * a user refresh it well within this time, so a crashed instance's users turn offline on their own.
 */
export const PRESENCE_LIVE_TTL_MS = 30_000;
/** The chosen and the announced status outlive any session; going offline clears them. */
const STATE_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * Presence lives in the shared key/value store (Redis with REDIS_URL), so every instance reads
 * and writes the same marks:
 * - live:   some instance holds a socket of the user (TTL, refreshed by heartbeats)
 * - chosen: busy/away picked by the user
 * - active: the user did something lately (TTL = the away delay)
 * - shown:  the status last announced, so a change is announced once
 */
const keys = {
  live: (userId: string) => `presence:live:${userId}`,
  chosen: (userId: string) => `presence:chosen:${userId}`,
  active: (userId: string) => `presence:active:${userId}`,
  shown: (userId: string) => `presence:shown:${userId}`,
};

export interface PresenceServiceDeps {
  db: Db;
  kv: KeyValueStore;
  events: Pick<DomainEvents, 'publish'>;
  awayAfterMs: number;
}

export function createPresenceService({ db, kv, events, awayAfterMs }: PresenceServiceDeps) {
  const liveTtl = PRESENCE_LIVE_TTL_MS / 1000;
  const activeTtl = awayAfterMs / 1000;

  async function statusOf(userId: string): Promise<PresenceStatus> {
    const [live, chosen, active] = await Promise.all([
      kv.get(keys.live(userId)),
      kv.get(keys.chosen(userId)),
      kv.get(keys.active(userId)),
    ]);
    if (!live) return 'offline';
    if (chosen === 'busy' || chosen === 'away') return chosen;
    return active ? 'online' : 'away';
  }

  /** Announces the user's status (column + domain event) when it differs from the last one shown. */
  async function announce({ tenantId, userId }: PresenceUser): Promise<PresenceStatus> {
    const [status, shown] = await Promise.all([statusOf(userId), kv.get(keys.shown(userId))]);
    if (status === (shown ?? 'offline')) return status;
    if (status === 'offline') await kv.del(keys.shown(userId));
    else await kv.set(keys.shown(userId), status, STATE_TTL_SECONDS);
    await db
      .update(users)
      // Presence flaps all day; it must not make the user record look edited.
      .set({
        online: status !== 'offline',
        presence: status,
        lastSeenAt: new Date(),
        updatedAt: sql`${users.updatedAt}`,
      })
      .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)));
    events.publish({
      type: DomainEventType.PresenceUpdated,
      tenantId,
      payload: { user_id: userId, status },
    });
    return status;
  }

  /** Marks a live socket; true when the mark was missing (the user had none anywhere). */
  async function markLive(userId: string): Promise<boolean> {
    if (await kv.setIfAbsent(keys.live(userId), '1', liveTtl)) return true;
    await kv.set(keys.live(userId), '1', liveTtl);
    return false;
  }

  async function toDtos(tenantId: string, ids: string[]): Promise<PresenceDto[]> {
    const rows = await db
      .select({ id: users.id, lastSeenAt: users.lastSeenAt })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), inArray(users.id, ids), eq(users.disabled, false)));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const found = ids.filter((id, i) => byId.has(id) && ids.indexOf(id) === i);
    const statuses = await Promise.all(found.map(statusOf));
    return found.map((id, i) => {
      const status = statuses[i]!;
      return {
        user_id: id,
        status,
        online: status !== 'offline',
        last_seen_at: isoDate(byId.get(id)!.lastSeenAt),
      };
    });
  }

  return {
    statusOf,

    /** A socket of the user connected on this instance. */
    async connected(user: PresenceUser): Promise<void> {
      await markLive(user.userId);
      await kv.set(keys.active(user.userId), '1', activeTtl);
      await announce(user);
    },

    /** Heartbeat of an instance still holding sockets of the user; also notices inactivity. */
    async refresh(user: PresenceUser): Promise<void> {
      await markLive(user.userId);
      await announce(user);
    },

    /** The user did something (a socket event, an API action): back from automatic away. */
    async touch(user: PresenceUser): Promise<void> {
      await kv.set(keys.active(user.userId), '1', activeTtl);
      if ((await kv.get(keys.shown(user.userId))) === 'away') await announce(user);
    },

    /** No socket of the user is left on any instance. */
    async gone(user: PresenceUser): Promise<void> {
      await Promise.all([
        kv.del(keys.live(user.userId)),
        kv.del(keys.chosen(user.userId)),
        kv.del(keys.active(user.userId)),
      ]);
      await announce(user);
    },

    /** busy/away stay until changed or until the user goes offline; online clears them. */
    async choose(user: PresenceUser, status: SettableStatus): Promise<PresenceStatus> {
      if (status === 'online') await kv.del(keys.chosen(user.userId));
      else await kv.set(keys.chosen(user.userId), status, STATE_TTL_SECONDS);
      await kv.set(keys.active(user.userId), '1', activeTtl);
      return announce(user);
    },

    async get(ctx: RequestContext, userId: string): Promise<PresenceDto> {
      const [dto] = await toDtos(ctx.tenantId, [userId]);
      if (!dto) throw notFound('User');
      return dto;
    },

    /** Users of the caller's tenant, in the order asked; unknown ids are left out. */
    async list(ctx: RequestContext, ids: string[]): Promise<{ data: PresenceDto[] }> {
      return { data: await toDtos(ctx.tenantId, ids) };
    },
  };
}

export type PresenceService = ReturnType<typeof createPresenceService>;

/** Built alike by the routes and by realtime/: all state is in the shared store, so both agree. */
export const presenceServiceOf = ({ database, platform, events, config }: AppDeps): PresenceService =>
  createPresenceService({
    db: database.db,
    kv: platform.kv,
    events,
    awayAfterMs: config.presence.awayAfterMs,
  });
