import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../test/test-app';
import { useTestApp } from '../test/use-test-app';

/** Issue 8, finding 7: per-client limits, successes not counted, bounded password hashing. */
describe('login limits', () => {
  const t = useTestApp({ loginAttemptsPerMinute: 3, loginAttemptsPerClientPerMinute: 5 });
  const login = (app: TestApp['app'], username: string, password: string, ip: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip });

  it('limits one client spraying many usernames', async () => {
    const ip = '10.1.0.1';
    for (let n = 0; n < 5; n++) expect((await login(t.app, `user-${n}`, 'guess-guess', ip)).statusCode).toBe(401);
    const limited = await login(t.app, 'user-5', 'guess-guess', ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringMatching(/try again in/),
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await login(t.app, 'admin', TEST_ADMIN_PASSWORD, '10.1.0.2')).statusCode).toBe(200);
  });

  it('does not count successful logins', async () => {
    const ip = '10.1.0.3';
    for (let n = 0; n < 6; n++) expect((await login(t.app, 'admin', TEST_ADMIN_PASSWORD, ip)).statusCode).toBe(200);
  });

  describe('under 64 parallel bogus logins', () => {
    let busy: TestApp;
    beforeAll(async () => {
      busy = await createTestApp(t.postgres, { loginAttemptsPerMinute: 1000, loginAttemptsPerClientPerMinute: 1000 });
      await login(busy.app, 'admin', TEST_ADMIN_PASSWORD, '10.2.0.9'); // warm up (the dummy hash, connections)
    }, 60_000);
    afterAll(async () => {
      await busy?.close();
    });

    it('serves a real login from another client before most of them are answered', async () => {
      let bogusAnsweredBeforeReal = 0;
      let isRealDone = false;
      const bogus = Array.from({ length: 64 }, (_, n) =>
        login(busy.app, `nobody-${n}`, 'not-the-password', '10.2.0.1').then((response) => {
          if (!isRealDone && response.statusCode === 401) bogusAnsweredBeforeReal += 1;
          return response.statusCode;
        }),
      );
      const real = await login(busy.app, 'admin', TEST_ADMIN_PASSWORD, '10.2.0.2');
      isRealDone = true;
      expect(real.statusCode).toBe(200);
      // Hashes are shared fairly between clients: the real login waited for a round, not for the 64.
      expect(bogusAnsweredBeforeReal).toBeLessThan(16);
      const statuses = await Promise.all(bogus);
      // The noisy client's excess was refused at once rather than queued.
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
      expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    });
  });
});
