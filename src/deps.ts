import path from 'node:path';
import type { Logger } from 'pino';
import type { AppDeps } from './app.js';
import type { Config } from './config.js';
import { openDatabase, runMigrations, type Database } from './db/client.js';
import { createTokenService } from './features/auth/tokens.js';
import { createSecretBox } from './platform/crypto.js';
import { createDomainEvents } from './platform/events.js';
import { createPlatform, DEFAULT_KEY_PREFIX } from './platform/index.js';
import { FEATURES } from './features/registry.js';
import { createMailService, mailQueues } from './platform/mail.js';
import { createMailer } from './platform/mailer.js';
import { createQueue, type QueueDefinition } from './platform/queue.js';
import { createObjectStorage } from './platform/storage.factory.js';

/** Every queue the app uses; declared up front because PGlite needs them cached before any transaction. */
export const QUEUES: QueueDefinition[] = [...mailQueues, ...FEATURES.flatMap((f) => f.queues ?? [])];

/**
 * Opens everything the app stands on, in order: database (+ migrations), platform adapters,
 * queue. Tests pass their own database; main passes nothing and gets the configured one.
 */
export interface CreateDepsOptions {
  /** An already migrated database (tests); otherwise the configured one is opened and migrated. */
  database?: Database;
  /** Prefix of every Redis key and channel (tests isolate parallel files with it). */
  keyPrefix?: string;
}

export async function createDeps(
  config: Config,
  logger: Logger,
  options: CreateDepsOptions = {},
): Promise<AppDeps> {
  const { database } = options;
  const db =
    database ?? (await openDatabase({ url: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pg') }));
  if (!database) await runMigrations(db);
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const platform = createPlatform({ redisUrl: config.redisUrl, logger, keyPrefix });
  const queue = createQueue(db, {
    queues: QUEUES,
    logger,
    heartbeatSeconds: config.queue.heartbeatSeconds,
    superviseIntervalSeconds: config.queue.superviseSeconds,
  });
  await queue.start();
  const mailer = await createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }, logger);
  const mail = createMailService({
    queue,
    mailer,
    env: { publicUrl: config.publicUrl, productName: 'ApiCeChat' },
    logger,
  });
  await mail.start();
  const deps: AppDeps = {
    config,
    database: db,
    platform,
    queue,
    tokens: createTokenService(config.jwtSecret, config.accessTokenTtlSeconds),
    secrets: createSecretBox(config.encryptionKey),
    events: createDomainEvents((err, event) =>
      logger.error({ err, event: event.type }, 'domain event listener failed'),
    ),
    logger,
    keyPrefix,
    storage: await createObjectStorage(config),
    mailer,
    mail,
  };
  for (const feature of FEATURES) await feature.start?.(deps);
  return deps;
}

/** Closes in reverse order; the database last, after the queue has stopped using it. */
export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.queue.stop();
  await deps.mailer.close();
  await deps.platform.close();
  await deps.storage.close();
  await deps.database.close();
}
