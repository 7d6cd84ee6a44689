import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/use-test-app';

describe('health and readiness', () => {
  const t = useTestApp();

  it('answer liveness without authentication', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('report ready when the database answers and migrations are applied', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('report not ready, naming the migration, when one is missing', async () => {
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    const { rows } = await client.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
    await client.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now()`);
    try {
      const response = await t.app.inject({ method: 'GET', url: '/api/ready' });
      expect(response.statusCode).toBe(503);
      expect(response.json().checks).toEqual({ database: 'ok', migrations: 'failing' });
      expect(response.json().message).toContain(rows[0]!.migration_name);
    } finally {
      await client.query(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL`);
      await client.end();
    }
  });

  it('serve the placeholder page, the OpenAPI document and metrics', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html'); // the dashboard, or how to build it
    expect(page.body).toContain('href="/docs"');

    const docs = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    const spec = docs.json<{ openapi: string; paths: Record<string, Record<string, { security?: unknown }>> }>();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/users', '/api/v1/agents/enroll', '/api/v1/audit']),
    );
    expect(spec.paths['/api/v1/users']?.get?.security).toEqual([{ session: [] }, { apiToken: [] }]);
    expect((await t.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);

    await t.app.inject({ method: 'GET', url: '/api/health' });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('iamroll_http_request_duration_seconds_bucket');
    expect(metrics.body).toMatch(/route="\/api\/health"/);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });

  it('count requests per method, route and status code in /metrics', async () => {
    const count = async (labels: string) => {
      const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      const line = body.split('\n').find((l) => l.startsWith(`iamroll_http_request_duration_seconds_count{${labels}}`));
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };
    const health = 'method="GET",route="/api/health",status_code="200"';
    const headHealth = 'method="HEAD",route="/api/health",status_code="200"';
    const missing = 'method="GET",route="unmatched",status_code="404"';
    const before = { health: await count(health), headHealth: await count(headHealth), missing: await count(missing) };
    for (let i = 0; i < 3; i++) await t.app.inject({ method: 'GET', url: '/api/health' });
    await t.app.inject({ method: 'HEAD', url: '/api/health' });
    await t.app.inject({ method: 'GET', url: '/api/no-such-route' });
    await t.app.inject({ method: 'GET', url: '/api/no-such-route-either' });
    expect(await count(health)).toBe(before.health + 3);
    expect(await count(headHealth)).toBe(before.headHealth + 1);
    expect(await count(missing)).toBe(before.missing + 2);
  });

  it('send security headers', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });
});
