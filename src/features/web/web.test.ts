import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../../http/error-handler.js';
import { webRoutes } from './web.routes.js';

async function appServing(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  registerErrorHandler(app);
  app.get('/api/v1/things', () => ({ data: [] }));
  await app.register(webRoutes(root));
  await app.ready();
  return app;
}

describe('web: the inbox served at /', () => {
  let dist: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dist = mkdtempSync(path.join(tmpdir(), 'apice-web-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    app = await appServing(dist);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers / with index.html, revalidated on every visit', async () => {
    const res = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<div id="root">');
  });

  it('answers a client-side page path with index.html, so a reload keeps the open conversation', async () => {
    const res = await app.inject({
      url: '/conversations/0193a1b2-0000-7000-8000-000000000000',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<div id="root">');
  });

  it('does not answer a page path with HTML to a client that asks for JSON', async () => {
    const res = await app.inject({ url: '/conversations/x', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(404);
  });

  it('serves hashed bundle files with a long, immutable cache', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers a missing bundle file or a path outside the folder with a 404 problem', async () => {
    for (const url of ['/assets/nope.js', '/assets/..%2f..%2fetc%2fpasswd']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('leaves the API and unknown paths alone', async () => {
    expect((await app.inject({ url: '/api/v1/things' })).json()).toEqual({ data: [] });
    for (const url of ['/api/v1/nothing', '/health/nothing', '/somewhere']) {
      const res = await app.inject({ url, headers: { accept: 'text/html' } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('explains how to build the inbox when web/dist is missing', async () => {
    const empty = await appServing(path.join(dist, 'not-built'));
    const res = await empty.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await empty.close();
  });
});
