import type { ErrorBody, UserList, UserView } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/use-test-app';

describe('users (admin)', () => {
  const t = useTestApp();

  const createUser = async (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/users', headers: (await t.admin()).headers, payload });

  it('creates a user and lists users without their password hashes', async () => {
    const created = await createUser({
      username: 'ops.alice',
      password: 'a long enough password',
      role: 'operator',
      reason: 'on call',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: expect.any(String),
      username: 'ops.alice',
      role: 'operator',
      isDisabled: false,
      disabledAt: null,
      lastLoginAt: null,
      createdAt: expect.any(String),
    });
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users?limit=10',
      headers: (await t.admin()).headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBeGreaterThanOrEqual(2);
    expect(list.json<UserList>().items.map((u) => u.username)).toEqual(expect.arrayContaining(['admin', 'ops.alice']));
    expect(list.body).not.toMatch(/password|scrypt/i);
  });

  it('refuses a duplicate username with a conflict', async () => {
    await createUser({ username: 'dup', password: 'a long enough password', role: 'viewer' });
    const again = await createUser({ username: 'dup', password: 'another long password', role: 'viewer' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toEqual({ code: 'conflict', message: 'A user named dup already exists.' });
  });

  it('names every invalid field at once', async () => {
    const response = await createUser({ username: 'Bad Name!', password: 'short', role: 'superuser', extra: 1 });
    expect(response.statusCode).toBe(400);
    const { error } = response.json<Required<ErrorBody>>();
    expect(error.code).toBe('validation');
    const paths = error.fields!.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['body.username', 'body.password', 'body.role', 'body.extra']));
    expect(error.fields!.find((f) => f.path === 'body.extra')?.message).toBe('is not a known field');
    expect(error.message).toMatch(/body\.password/);
  });

  it('names a missing field and a bad query parameter', async () => {
    const missing = await createUser({ password: 'a long enough password', role: 'viewer' });
    expect(missing.json().error.fields).toEqual([{ path: 'body.username', message: 'is required' }]);
    const badQuery = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users?limit=0',
      headers: (await t.admin()).headers,
    });
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json().error.fields[0].path).toBe('query.limit');
    const badId = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/not-a-uuid',
      headers: (await t.admin()).headers,
      payload: { role: 'viewer' },
    });
    expect(badId.json().error.fields[0].path).toBe('params.id');
  });

  it('answers malformed JSON with a validation error, not a 500', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...(await t.admin()).headers, 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation');
  });

  it('changes roles, and refuses to demote or disable the last admin', async () => {
    const admin = await t.admin();
    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${admin.user.id}`,
      headers: admin.headers,
      payload: { role: 'viewer' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.message).toMatch(/last active admin/);
    const disable = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${admin.user.id}`,
      headers: admin.headers,
      payload: { isDisabled: true },
    });
    expect(disable.statusCode).toBe(409);

    const other = await createUser({ username: 'second-admin', password: 'a long enough password', role: 'operator' });
    const promote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${other.json<UserView>().id}`,
      headers: admin.headers,
      payload: { role: 'admin', reason: 'backup admin' },
    });
    expect(promote.statusCode).toBe(200);
    expect(promote.json().role).toBe('admin');
  });

  it('answers 404 for an unknown user', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/00000000-0000-4000-8000-000000000000',
      headers: (await t.admin()).headers,
      payload: { role: 'viewer' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('not_found');
  });

  it('resets a password, signing the user out', async () => {
    const user = await t.sessionAs('viewer', 'forgetful');
    const reset = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${user.user.id}`,
      headers: (await t.admin()).headers,
      payload: { password: 'the new long password' },
    });
    expect(reset.statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: user.cookie } })).statusCode,
    ).toBe(401);
    await expect(t.login('forgetful', 'the new long password')).resolves.toBeDefined();
  });
});
