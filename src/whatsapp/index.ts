import type { Feature } from '../features/feature.js';
import { startInbound } from './inbound/inbound-workers.js';
import { outboundRoutes, startOutbound } from './outbound/index.js';
import { whatsappQueues } from './queues.js';
import { createWebhookIntake } from './webhook-intake.js';
import { webhookRoutes } from './webhook.routes.js';

export const whatsappFeature: Feature = {
  name: 'whatsapp',
  queues: whatsappQueues,
  routes: (deps) => async (app) => {
    const { database, queue, secrets, config, logger } = deps;
    await app.register(
      webhookRoutes({
        db: database.db,
        intake: createWebhookIntake({
          db: database.db,
          queue,
          secrets,
          fallbackAppSecret: config.whatsapp.appSecret,
          maxUpdates: config.whatsapp.webhookMaxUpdates,
          warn: (o, m) => logger.warn(o, m),
        }),
        fallbackVerifyToken: config.whatsapp.verifyToken,
        rateLimitStore: deps.platform.rateLimitStore,
      }),
    );
    await app.register(outboundRoutes(deps));
  },
  async start(deps) {
    await startInbound(deps);
    await startOutbound(deps);
  },
};
