import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { startServer } from '../server';
import { createTestApp, testConfig } from '../test/test-app';
import { useTestApp } from '../test/use-test-app';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** Issue 8, finding 10: /metrics can require a bearer token and/or move to a listener of its own. */
describe('/metrics protection', () => {
  const t = useTestApp({ metricsToken: METRICS_TOKEN });

  it('requires the bearer token when IAMROLL_METRICS_TOKEN is set', async () => {
    const without = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(without.statusCode).toBe(401);
    expect(without.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(without.json().error.code).toBe('unauthenticated');
    expect(without.body).not.toContain('nodejs_version_info');
    const wrong = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    const right = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(right.statusCode).toBe(200);
    expect(right.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(right.body).toContain('iamroll_http_request_duration_seconds');
  });

  it('serves /metrics only on its own listener when IAMROLL_METRICS_LISTEN is set', async () => {
    const database = await t.postgres.createDatabase();
    const server = await startServer({
      config: testConfig(database.url, {
        metricsListen: { host: '127.0.0.1', port: 0 },
        metricsToken: METRICS_TOKEN,
      }),
      stdout: () => undefined,
      isHandlingSignals: false,
    });
    try {
      expect((await fetch(`${server.url}metrics`)).status).toBe(404);
      expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await fetch(server.metricsUrl!)).status).toBe(401);
      const scraped = await fetch(server.metricsUrl!, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('process_start_time_seconds');
    } finally {
      await server.close();
    }
  });

  it('leaves /metrics off the API port of an app built with a separate listener', async () => {
    const other = await createTestApp(t.postgres, { metricsListen: { host: '127.0.0.1', port: 0 } });
    try {
      expect((await other.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('parses IAMROLL_METRICS_LISTEN and IAMROLL_METRICS_TOKEN, refusing bad values without echoing them', () => {
    expect(loadConfig({ IAMROLL_METRICS_LISTEN: '10.0.0.5:9464' }).metricsListen).toEqual({
      host: '10.0.0.5',
      port: 9464,
    });
    expect(loadConfig({ IAMROLL_METRICS_LISTEN: '[::1]:9464' }).metricsListen).toEqual({ host: '::1', port: 9464 });
    expect(loadConfig({}).metricsListen).toBeUndefined();
    expect(() => loadConfig({ IAMROLL_METRICS_LISTEN: '9464' })).toThrow(ConfigError);
    expect(() => loadConfig({ IAMROLL_METRICS_LISTEN: 'localhost:99999' })).toThrow(/IAMROLL_METRICS_LISTEN/);
    expect(() => loadConfig({ IAMROLL_METRICS_TOKEN: 'short-secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('short-secret') }),
    );
  });
});
