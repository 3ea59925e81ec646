import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.js';
import type { QueueDefinition } from '../platform/queue.js';

/**
 * What a feature folder contributes. `registry.ts` lists them; app.ts and deps.ts only iterate,
 * so adding a feature never touches the wiring of another.
 */
export interface Feature {
  name: string;
  /** Routes, registered under /api/v1. */
  routes?: (deps: AppDeps) => FastifyPluginAsync;
  /** Routes registered at the root, outside /api/v1 (the WhatsApp simulator's Graph stand-in). */
  rootRoutes?: (deps: AppDeps) => FastifyPluginAsync;
  /** Queues this feature sends to; created at start-up (PGlite needs them before any transaction). */
  queues?: QueueDefinition[];
  /** Starts job workers and domain-event listeners; runs after the queue has started. */
  start?: (deps: AppDeps) => Promise<void>;
}
