import { describe, expect, it } from 'vitest';
import { sessionCookieOf, TEST_ADMIN_PASSWORD } from '../../test/test-app';
import { useTestApp, useTestPostgres } from '../../test/use-test-app';

const postgres = useTestPostgres();

describe('auth: sessions, CSRF and login limits', () => {
  const t = useTestApp({ loginAttemptsPerMinute: 3 }, {}, { postgres });

  const login = (username: string, password: string, ip = '10.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip });

  it('signs in with the right password: an httpOnly, SameSite=Strict session cookie and the CSRF token', async () => {
    const response = await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.2');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toEqual({ id: expect.any(String), username: 'admin', role: 'admin' });
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
    const cookie = response.cookies.find((c) => c.name === 'iamroll_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.expires).toBeInstanceOf(Date);
  });

  it('accepts the username in any case', async () => {
    expect((await login('ADMIN', TEST_ADMIN_PASSWORD, '10.0.0.3')).statusCode).toBe(200);
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const wrong = await login('admin', 'not the password', '10.0.0.4');
    const unknown = await login('nobody', 'not the password', '10.0.0.4');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error).toEqual({ code: 'unauthenticated', message: 'Wrong username or password.' });
    expect(wrong.cookies).toHaveLength(0);
  });

  it('limits login attempts per address and username', async () => {
    const ip = '10.0.0.5';
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await login('admin', 'guess', ip)).statusCode).toBe(401);
    const limited = await login('admin', TEST_ADMIN_PASSWORD, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(limited.json().error.message).toMatch(/try again in/);
    // Another username from the same address, and the same username from another address, still work.
    expect((await login('someone-else', 'guess', ip)).statusCode).toBe(401);
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.6')).statusCode).toBe(200);
  });

  it('answers who is signed in and the CSRF token', async () => {
    const session = await t.admin();
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: session.cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ user: session.user, csrfToken: session.csrfToken });
  });

  it('requires the CSRF header on cookie-authenticated changes', async () => {
    const session = await t.admin();
    const payload = { username: 'csrf-victim', password: 'a long enough password', role: 'viewer' };
    const without = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: session.cookie },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf_failed');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: session.cookie, 'x-csrf-token': 'forged' },
      payload,
    });
    expect(wrong.json().error.code).toBe('csrf_failed');
    const right = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: session.headers, payload });
    expect(right.statusCode).toBe(201);
  });

  it('ends the session at logout', async () => {
    const response = await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.7');
    const cookie = sessionCookieOf(response);
    const csrf = response.json().csrfToken as string;
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(logout.statusCode).toBe(200);
    expect(logout.cookies.find((c) => c.name === 'iamroll_session')?.value).toBe('');
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('refuses a made-up session cookie', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: 'iamroll_session=made-up' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toMatch(/Sign in/);
  });

  it('lets users change their own password, which signs out their other sessions', async () => {
    const first = await t.sessionAs('viewer', 'changer');
    const second = await t.login('changer', 'user-password-for-tests');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: first.headers,
      payload: { currentPassword: 'nope', newPassword: 'a brand new password' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields).toEqual([{ path: 'body.currentPassword', message: 'is wrong' }]);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: first.headers,
      payload: { currentPassword: 'user-password-for-tests', newPassword: 'a brand new password' },
    });
    expect(changed.statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: first.cookie } })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: second.cookie } })).statusCode,
    ).toBe(401);
    await expect(t.login('changer', 'a brand new password')).resolves.toBeDefined();
  });

  it('signs out a user an admin disables, and refuses their login', async () => {
    const victim = await t.sessionAs('operator', 'to-disable');
    const admin = await t.admin();
    const disabled = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${victim.user.id}`,
      headers: admin.headers,
      payload: { isDisabled: true, reason: 'left the team' },
    });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ isDisabled: true, disabledAt: expect.any(String) });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: victim.cookie } })).statusCode,
    ).toBe(401);
    expect((await login('to-disable', 'user-password-for-tests', '10.0.0.8')).statusCode).toBe(401);
  });
});

describe('auth: cookies behind https', () => {
  const t = useTestApp({ isCookieSecure: true }, {}, { postgres });

  it('marks the session cookie Secure', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    });
    expect(response.cookies.find((c) => c.name === 'iamroll_session')?.secure).toBe(true);
  });
});
