import type { Feature } from '../feature.js';
import { createAssignmentService } from './conversation-assignment.service.js';
import { conversationsRoutes } from './conversations.routes.js';
import { createConversationsService } from './conversations.service.js';

export const conversationsFeature: Feature = {
  name: 'conversations',
  routes: ({ database, events }) => {
    const deps = { db: database.db, events };
    return conversationsRoutes(createConversationsService(deps), createAssignmentService(deps));
  },
};
