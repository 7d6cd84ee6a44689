import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: '.data/api',
      host: '127.0.0.1',
      port: 8080,
      sessionTtlHours: 12,
      isCookieSecure: false,
      logLevel: 'info',
      embeddedPgNice: 10,
    });
  });

  it("takes the embedded PostgreSQL's niceness from 0 to 19 and names the variable otherwise", () => {
    expect(loadConfig({ IAMROLL_EMBEDDED_PG_NICE: '0' }).embeddedPgNice).toBe(0);
    expect(loadConfig({ IAMROLL_EMBEDDED_PG_NICE: '19' }).embeddedPgNice).toBe(19);
    expect(() => loadConfig({ IAMROLL_EMBEDDED_PG_NICE: '20' })).toThrow(/IAMROLL_EMBEDDED_PG_NICE/);
    expect(() => loadConfig({ IAMROLL_EMBEDDED_PG_NICE: '-1' })).toThrow(/IAMROLL_EMBEDDED_PG_NICE/);
  });

  it('asks idle nodes for a 10 s keep-alive unless told otherwise, from 1 s to 60 s', () => {
    expect(loadConfig({}).heartbeatKeepAliveMs).toBe(10_000);
    expect(loadConfig({ IAMROLL_HEARTBEAT_KEEP_ALIVE_MS: '30000' }).heartbeatKeepAliveMs).toBe(30_000);
    for (const value of ['999', '60001', '2.5', 'thirty'])
      expect(() => loadConfig({ IAMROLL_HEARTBEAT_KEEP_ALIVE_MS: value }), value).toThrow(
        /IAMROLL_HEARTBEAT_KEEP_ALIVE_MS/,
      );
  });

  it('lets a busy process ask idle nodes for up to 30 s unless told otherwise, from 1 s to 60 s', () => {
    expect(loadConfig({}).heartbeatKeepAliveMaxMs).toBe(30_000);
    expect(loadConfig({ IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS: '10000' }).heartbeatKeepAliveMaxMs).toBe(10_000);
    for (const value of ['999', '60001', 'off'])
      expect(() => loadConfig({ IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS: value }), value).toThrow(
        /IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS/,
      );
  });

  it('converts numbers and booleans from strings', () => {
    const config = loadConfig({ IAMROLL_PORT: '9090', IAMROLL_TRUST_PROXY: 'true', IAMROLL_SESSION_TTL_HOURS: '2' });
    expect(config.port).toBe(9090);
    expect(config.isProxyTrusted).toBe(true);
    expect(config.sessionTtlHours).toBe(2);
  });

  it('makes cookies secure behind an https public URL unless told otherwise', () => {
    expect(loadConfig({ IAMROLL_PUBLIC_URL: 'https://iamroll.example.com' }).isCookieSecure).toBe(true);
    expect(
      loadConfig({ IAMROLL_PUBLIC_URL: 'https://x.example', IAMROLL_SECURE_COOKIES: 'false' }).isCookieSecure,
    ).toBe(false);
  });

  it('reports every problem at once, without echoing secret values', () => {
    let error: unknown;
    try {
      loadConfig({
        IAMROLL_PORT: '99999',
        LOG_LEVEL: 'loud',
        IAMROLL_ADMIN_PASSWORD: 'short',
        DATABASE_URL: 'mysql://x',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/IAMROLL_PORT/);
    expect(problems).toMatch(/LOG_LEVEL/);
    expect(problems).toMatch(/IAMROLL_ADMIN_PASSWORD/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).not.toMatch(/short/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ IAMROLL_PORT: '', DATABASE_URL: '' }).port).toBe(8080);
  });
});
