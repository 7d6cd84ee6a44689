import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import errorsPlugin from './errors';
import webPlugin, { isServerPath } from './web';

const dist = mkdtempSync(join(tmpdir(), 'iamroll-web-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

async function build(distDir: string) {
  const app = Fastify();
  await app.register(errorsPlugin);
  await app.register(webPlugin, { distDir });
  app.get('/api/v1/thing', () => ({ ok: true }));
  return app;
}

describe('web plugin', () => {
  it('serves index.html at / and for deep links, never cached', async () => {
    const app = await build(dist);
    for (const url of ['/', '/nodes/123', '/login?next=%2Fnodes']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('id="root"');
    }
    await app.close();
  });

  it('serves hashed assets with a long cache', async () => {
    const app = await build(dist);
    const response = await app.inject({ url: '/assets/index-abc.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
    await app.close();
  });

  it('leaves /api, /docs, /metrics and missing assets to the API: JSON 404, not the app', async () => {
    const app = await build(dist);
    for (const url of ['/api/v1/nope', '/api', '/docs/x', '/metrics', '/assets/old-123.js']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await app.inject({ url: '/api/v1/thing' })).json()).toEqual({ ok: true });
    await app.close();
  });

  it('says how to build the dashboard when it is missing', async () => {
    const app = await build(join(dist, 'missing'));
    const response = await app.inject({ url: '/nodes' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('npm run build -w @iamroll/web');
    await app.close();
  });

  it('knows which paths are the server’s', () => {
    expect(isServerPath('/api/health')).toBe(true);
    expect(isServerPath('/apiary')).toBe(false);
    expect(isServerPath('/docs')).toBe(true);
    expect(isServerPath('/nodes')).toBe(false);
  });
});
