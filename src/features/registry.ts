import { accountFeature } from './account/index.js';
import { auditFeature } from './audit/index.js';
import { botsFeature } from './bots/index.js';
import { catalogFeature } from './catalog/index.js';
import { contactsFeature } from './contacts/index.js';
import { conversationsFeature } from './conversations/index.js';
import { messagesFeature } from './messages/index.js';
import { searchFeature } from './search/index.js';
import { settingsFeature } from './settings/index.js';
import { mediaFeature } from './media/index.js';
import { presenceFeature } from './presence/index.js';
import { authFeature } from './auth/index.js';
import type { Feature } from './feature.js';
import { integrationsFeature } from './integrations/index.js';
import { rolesFeature } from './roles/index.js';
import { tagsFeature } from './tags/index.js';
import { templatesFeature } from './templates/index.js';
import { usersFeature } from './users/index.js';
import { webhooksFeature } from './webhooks/index.js';
import { webFeature } from './web/index.js';
import { whatsappFeature } from '../whatsapp/index.js';
import { simulatorFeature } from '../whatsapp/simulator/index.js';

/** Every feature of the app, in registration order. One line per feature folder. */
export const FEATURES: Feature[] = [
  authFeature,
  accountFeature,
  usersFeature,
  rolesFeature,
  integrationsFeature,
  whatsappFeature,
  webhooksFeature,
  tagsFeature,
  contactsFeature,
  botsFeature,
  catalogFeature,
  auditFeature,
  mediaFeature,
  presenceFeature,
  conversationsFeature,
  messagesFeature,
  templatesFeature,
  searchFeature,
  settingsFeature,
  simulatorFeature,
  webFeature,
];
