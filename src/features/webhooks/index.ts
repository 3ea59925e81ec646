import type { Feature } from '../feature.js';
import { webhookEventsRoutes } from './webhooks.routes.js';
import { createWebhookEventsService } from './webhooks.service.js';

export const webhooksFeature: Feature = {
  name: 'webhooks',
  routes: ({ database, queue }) => webhookEventsRoutes(createWebhookEventsService(database.db, queue)),
};
