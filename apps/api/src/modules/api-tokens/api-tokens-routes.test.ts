import type { ApiTokenList, CreatedApiToken, UserView } from '@iamroll/contracts';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/use-test-app';

describe('API tokens', () => {
  const t = useTestApp();

  const createToken = async (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: (await t.admin()).headers, payload });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('shows a new token once, then works as a bearer with its own role and no CSRF header', async () => {
    const created = await createToken({ name: 'ci', role: 'operator', reason: 'deploy pipeline' });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json<CreatedApiToken>();
    expect(token).toMatch(/^iam_[\w-]{43}$/);
    expect(apiToken).toMatchObject({
      name: 'ci',
      role: 'operator',
      prefix: token.slice(0, 10),
      revokedAt: null,
      expiresAt: null,
      lastUsedAt: null,
    });
    expect(JSON.stringify(apiToken)).not.toContain(token);

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      user: { id: (await t.admin()).user.id, username: 'admin', role: 'operator' },
      csrfToken: null,
    });
    // An operator token cannot do admin things, though its creator could.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token) })).statusCode).toBe(403);
  });

  it('lists tokens without secrets or hashes, with when they were last used', async () => {
    const { token } = (await createToken({ name: 'listed', role: 'admin' })).json<CreatedApiToken>();
    await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token) });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/api-tokens', headers: (await t.admin()).headers });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(token);
    expect(list.body).not.toMatch(/tokenHash|token_hash/);
    const listed = list.json<ApiTokenList>().items.find((item) => item.name === 'listed')!;
    expect(listed.lastUsedAt).toEqual(expect.any(String));
    // An admin token needs no CSRF header for changes: it is not a cookie a browser sends on its own.
    const change = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(token),
      payload: { username: 'by-token', password: 'a long enough password', role: 'viewer' },
    });
    expect(change.statusCode).toBe(201);
  });

  it('stops working once revoked, and revoking again changes nothing', async () => {
    const { token, apiToken } = (await createToken({ name: 'short-lived', role: 'viewer' })).json<CreatedApiToken>();
    const headers = (await t.admin()).headers;
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/api-tokens/${apiToken.id}/revoke`,
      headers,
      payload: { reason: 'leaked in a log' },
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toEqual(expect.any(String));
    const use = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
    expect(use.statusCode).toBe(401);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/api-tokens/${apiToken.id}/revoke`,
      headers,
      payload: {},
    });
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);
  });

  it('stops working after it expires', async () => {
    const { token, apiToken } = (
      await createToken({ name: 'expiring', role: 'viewer', expiresInDays: 1 })
    ).json<CreatedApiToken>();
    expect(apiToken.expiresAt).toEqual(expect.any(String));
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    await client.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [apiToken.id]);
    await client.end();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode).toBe(
      401,
    );
  });

  it('refuses made-up and malformed bearer tokens', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer('iam_madeup') })).statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer('something-else') })).statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Basic YWRtaW46eA==' } }))
        .statusCode,
    ).toBe(401);
  });

  it('stops the tokens of a disabled user', async () => {
    const headers = (await t.admin()).headers;
    const owner = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: { username: 'token-owner', password: 'a long enough password', role: 'admin' },
    });
    const ownerSession = await t.login('token-owner', 'a long enough password');
    const { token } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/api-tokens',
        headers: ownerSession.headers,
        payload: { name: 'theirs', role: 'viewer' },
      })
    ).json<CreatedApiToken>();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode).toBe(
      200,
    );
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${owner.json<UserView>().id}`,
      headers,
      payload: { isDisabled: true },
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode).toBe(
      401,
    );
  });
});
