import { createOutboundJobs } from '../../whatsapp/outbound/enqueue.js';
import type { Feature } from '../feature.js';
import { createMessageReactionsService } from './message-reactions.service.js';
import { createMessageReadsService } from './message-reads.service.js';
import { messagesRoutes } from './messages.routes.js';
import { createMessageService } from './messages.service.js';

export const messagesFeature: Feature = {
  name: 'messages',
  routes: ({ database, events, queue }) => {
    const deps = { db: database.db, events, outbound: createOutboundJobs(queue) };
    return messagesRoutes({
      messages: createMessageService(deps),
      reads: createMessageReadsService(deps),
      reactions: createMessageReactionsService(deps),
    });
  },
};
