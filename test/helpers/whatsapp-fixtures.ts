import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
