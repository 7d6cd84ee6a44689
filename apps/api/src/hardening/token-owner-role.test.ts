import { describe, expect, it } from 'vitest';
import { TEST_USER_PASSWORD, type TestSession } from '../test/test-app';
import { useTestApp } from '../test/use-test-app';

/** Issue 8, finding 2: an API token acts with at most its owner's current role. */
describe('API tokens follow their owner', () => {
  const t = useTestApp();

  const createToken = async (owner: TestSession, role: string): Promise<string> => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: owner.headers,
      payload: { name: `${role} token`, role },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ token: string }>().token;
  };
  const patchUser = async (id: string, payload: object) => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      headers: (await t.admin()).headers,
      payload,
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  const createUserWith = (token: string, username: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${token}` },
      payload: { username, password: TEST_USER_PASSWORD, role: 'admin' },
    });
  const meWith = (token: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });

  it('loses admin power as soon as its owner is demoted to viewer', async () => {
    const owner = await t.sessionAs('admin', 'soon-demoted');
    const token = await createToken(owner, 'admin');
    expect((await createUserWith(token, 'made-while-admin')).statusCode).toBe(201);

    await patchUser(owner.user.id, { role: 'viewer' });

    const refused = await createUserWith(token, 'made-after-demotion');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect((await meWith(token)).json().user.role).toBe('viewer');
  });

  it('keeps a lower token role when the owner outranks it, and gets it back when the owner is promoted again', async () => {
    const owner = await t.sessionAs('admin', 'up-and-down');
    const token = await createToken(owner, 'operator');
    await patchUser(owner.user.id, { role: 'viewer' });
    expect((await meWith(token)).json().user.role).toBe('viewer');
    await patchUser(owner.user.id, { role: 'admin' });
    expect((await meWith(token)).json().user.role).toBe('operator');
  });

  it('is refused once its owner is disabled', async () => {
    const owner = await t.sessionAs('admin', 'soon-disabled');
    const token = await createToken(owner, 'viewer');
    await patchUser(owner.user.id, { isDisabled: true });
    expect((await meWith(token)).statusCode).toBe(401);
  });
});
