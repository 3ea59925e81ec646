/** The Graph operations the simulator answers, as named in its request log and fault filters. */
export const GRAPH_ENDPOINTS = [
  'messages',
  'media_upload',
  'media_get',
  'media_download',
  'media_delete',
  'object_get',
  'templates_list',
  'templates_create',
  'templates_delete',
] as const;

export type GraphEndpoint = (typeof GRAPH_ENDPOINTS)[number];
