/**
 * Meta's message_templates API of a WhatsApp Business Account (WABA), through the outbound Graph
 * client: create, list (cursor pages), delete.
 */
import type { GraphClient, GraphCredentials, GraphResult } from '../../whatsapp/outbound/graph-client.js';
import type { CreateTemplateInput } from './templates.schema.js';

/** A template as `GET /{waba_id}/message_templates` lists it. */
export interface MetaTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: Record<string, unknown>[];
  rejected_reason?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

const LIST_FIELDS = 'id,name,language,status,category,components,rejected_reason';
const PAGE_SIZE = '100';
/** A WABA holds at most a few thousand templates; beyond this many pages something loops. */
const MAX_PAGES = 100;

function toMetaTemplate(v: unknown): MetaTemplate | undefined {
  if (!isObj(v)) return undefined;
  const [id, name, language] = [str(v.id), str(v.name), str(v.language)];
  if (!id || !name || !language) return undefined;
  return {
    id,
    name,
    language,
    status: str(v.status) ?? 'PENDING',
    category: str(v.category) ?? 'UTILITY',
    components: Array.isArray(v.components) ? v.components.filter(isObj) : [],
    ...(str(v.rejected_reason) ? { rejected_reason: str(v.rejected_reason)! } : {}),
  };
}

export function metaTemplatesApi(graph: GraphClient, creds: GraphCredentials, wabaId: string) {
  const path = `${wabaId}/message_templates`;
  return {
    /** Meta answers `{id, status, category}`: its category may differ from the one asked for. */
    create: (input: Omit<CreateTemplateInput, 'integration_id'>) =>
      graph.call<{ id?: unknown; status?: unknown; category?: unknown }>(creds, {
        method: 'POST',
        path,
        json: input,
      }),

    /** Every template of the WABA, page after page. */
    async listAll(): Promise<GraphResult<MetaTemplate[]>> {
      const all: MetaTemplate[] = [];
      let after: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await graph.call(creds, {
          method: 'GET',
          path,
          query: { fields: LIST_FIELDS, limit: PAGE_SIZE, after },
        });
        if (!res.ok) return res;
        const data = Array.isArray(res.value.data) ? res.value.data : [];
        all.push(...data.flatMap((t) => toMetaTemplate(t) ?? []));
        const paging = isObj(res.value.paging) ? res.value.paging : {};
        after = isObj(paging.cursors) ? str(paging.cursors.after) : undefined;
        if (!paging.next || !after || data.length === 0) return { ok: true, value: all };
      }
      return { ok: true, value: all };
    },

    /** By name (Meta's key); with the id only that language goes, otherwise every language. */
    delete: (name: string, metaId: string | null) =>
      graph.call(creds, { method: 'DELETE', path, query: { name, hsm_id: metaId ?? undefined } }),
  };
}
