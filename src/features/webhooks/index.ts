import type { Feature } from '../feature.js';
import { purgeWebhookEvents, WEBHOOK_RETENTION_CRON, WEBHOOK_RETENTION_QUEUE } from './webhooks-retention.js';
import { webhookEventsRoutes } from './webhooks.routes.js';
import { createWebhookEventsService } from './webhooks.service.js';

const DAY_MS = 86_400_000;

export const webhooksFeature: Feature = {
  name: 'webhooks',
  queues: [{ name: WEBHOOK_RETENTION_QUEUE, retryLimit: 3, retryDelay: 60, expireInSeconds: 900 }],
  routes: ({ database, queue }) => webhookEventsRoutes(createWebhookEventsService(database.db, queue)),
  async start(deps) {
    const days = deps.config.whatsapp.webhookEventRetentionDays;
    await deps.queue.work(WEBHOOK_RETENTION_QUEUE, async () => {
      const purged = await purgeWebhookEvents(deps.database.db, new Date(Date.now() - days * DAY_MS));
      if (purged > 0) deps.logger.info({ purged, days }, 'old webhook events purged');
    });
    await deps.queue.boss.schedule(WEBHOOK_RETENTION_QUEUE, WEBHOOK_RETENTION_CRON);
  },
};
