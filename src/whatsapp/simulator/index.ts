import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { AppDeps } from '../../app.js';
import type { Feature } from '../../features/feature.js';
import { controlRoutes } from './control.routes.js';
import { graphRoutes, lookasideRoutes } from './graph.routes.js';
import { createSimulator, type Simulator } from './simulator.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The built-in Cloud API stand-in; null when WHATSAPP_SIMULATOR is off. */
    whatsappSimulator: Simulator | null;
  }
}

/**
 * Mounted only when the simulator is on (never in production): the Graph stand-in under
 * /simulator/graph, media downloads under /simulator/lookaside (both hidden from OpenAPI, Meta's
 * formats) and the admin-only control API under /simulator (documented, tag `simulator`).
 */
function simulatorPlugin(deps: AppDeps) {
  // fastify-plugin: the decorator must be visible on the app; the routes below stay encapsulated.
  return fp(async (app: FastifyInstance) => {
    const config = deps.config.whatsapp.simulator;
    if (!config) {
      app.decorate('whatsappSimulator', null);
      return;
    }
    const sim = createSimulator({
      db: deps.database.db,
      secrets: deps.secrets,
      fallbackAppSecret: deps.config.whatsapp.appSecret,
      config,
      publicUrl: deps.config.publicUrl,
      logger: deps.logger,
    });
    app.decorate('whatsappSimulator', sim);
    app.addHook('onClose', async () => {
      sim.stop();
      await sim.settle(); // cancelled timelines finish before the database closes
    });
    await app.register(graphRoutes(sim), { prefix: '/simulator/graph' });
    await app.register(lookasideRoutes(sim), { prefix: '/simulator/lookaside' });
    await app.register(controlRoutes(sim, deps), { prefix: '/simulator' });
  });
}

export const simulatorFeature: Feature = {
  name: 'whatsapp-simulator',
  rootRoutes: simulatorPlugin,
};
