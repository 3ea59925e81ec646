import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { toWireBody } from '../../src/whatsapp/simulator/wire.js';

/** Copies of shared/fixtures/whatsapp, kept in the repo so `npm test` needs nothing beside it. */
export const FIXTURES_DIR = path.resolve(import.meta.dirname, '../fixtures/whatsapp');

export const inboundFixtureNames = () =>
  readdirSync(path.join(FIXTURES_DIR, 'inbound'))
    .filter((f) => f.endsWith('.json'))
    .sort();

export const readFixture = (relative: string): unknown =>
  JSON.parse(readFileSync(path.join(FIXTURES_DIR, relative), 'utf8'));

/** Meta's wire form and signature live with the simulator, which signs exactly like Meta. */
export { signBody, toWireBody } from '../../src/whatsapp/simulator/wire.js';

export interface SecurityVector {
  fixture: string;
  app_secret: string;
  /** Absent for the vector computed over a whole fixture file's bytes. */
  raw_body?: string;
  x_hub_signature_256: string;
  wrong_if_body_is_reserialised_as_utf8?: string;
}

export const securityVectors = () =>
  (readFixture('security_vectors.json') as { vectors: SecurityVector[] }).vectors;

/** Vectors over compact wire bodies, plus the one over a fixture file's exact bytes. */
export const wireVectors = () =>
  securityVectors().filter((v): v is SecurityVector & { raw_body: string } => v.raw_body !== undefined);

export function fileVectorBody(v: SecurityVector): Buffer {
  return readFileSync(path.join(FIXTURES_DIR, v.fixture.replace(/ \(.*\)$/, '')));
}

type Change = { value: { metadata: { phone_number_id: string }; messages: Record<string, unknown>[] } };
type Body = { entry: { id: string; changes: Change[] }[] };

/**
 * Meta's text fixture as a wire body for number `n`, carrying `count` messages of its sender (wamids
 * `prefix0`, `prefix1`, ...) and `statuses` status updates of unknown wamids at once.
 */
export function textBatchBody(
  n: { phone_number_id: string; business_account_id: string },
  prefix: string,
  count: number,
  statuses = 0,
): string {
  const body = readFixture('inbound/text.json') as Body;
  const entry = body.entry[0]!;
  entry.id = n.business_account_id;
  const value = entry.changes[0]!.value as Change['value'] & { statuses?: unknown[] };
  value.metadata.phone_number_id = n.phone_number_id;
  const [template] = value.messages;
  value.messages = Array.from({ length: count }, (_, i) => ({
    ...template,
    id: `${prefix}${i}`,
    timestamp: String(1749416383 + i),
    text: { body: `message ${i} of the batch` },
  }));
  if (statuses) {
    value.statuses = Array.from({ length: statuses }, (_, i) => ({
      id: `wamid.unknown.${prefix}${i}`,
      status: 'delivered',
      timestamp: '1749416383',
      recipient_id: '16505551234',
    }));
  }
  return toWireBody(body);
}
