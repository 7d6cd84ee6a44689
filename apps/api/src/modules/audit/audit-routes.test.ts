import { describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { TEST_ADMIN_PASSWORD } from '../../test/test-app';
import { useTestApp, useTestPostgres } from '../../test/use-test-app';

const postgres = useTestPostgres();

describe('audit log', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, {}, { postgres });

  const auditList = async (query = '') => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit${query}`,
      headers: (await t.admin()).headers,
    });
    expect(response.statusCode).toBe(200);
    return response.json<{
      items: {
        action: string;
        actorType: string;
        actorName: string | null;
        reason: string | null;
        subjectId: string | null;
        data: Record<string, unknown>;
      }[];
      total: number;
    }>();
  };

  it('records the first admin, created by the system at start', async () => {
    const { items } = await auditList('?action=user.create');
    expect(items.at(-1)).toMatchObject({
      actorType: 'system',
      action: 'user.create',
      reason: 'first start: no user existed',
      data: { username: 'admin', role: 'admin' },
    });
  });

  it('records who did what, when and why for every change', async () => {
    const admin = await t.admin();
    const user = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { username: 'audited', password: 'a long enough password', role: 'viewer', reason: 'new hire' },
    });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${user.json().id}`,
      headers: admin.headers,
      payload: { role: 'operator', reason: 'joins on-call' },
    });
    const token = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: admin.headers,
      payload: { name: 'audited-token', role: 'viewer' },
    });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/api-tokens/${token.json().apiToken.id}/revoke`,
      headers: admin.headers,
      payload: { reason: 'not needed' },
    });
    const enrollment = await t.app.inject({
      method: 'POST',
      url: '/api/v1/enrollment-tokens',
      headers: admin.headers,
      payload: { name: 'audited-enroll' },
    });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/enrollment-tokens/${enrollment.json().enrollmentToken.id}/revoke`,
      headers: admin.headers,
      payload: {},
    });
    const { nodeId } = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-audited');
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'wrong password' },
    });

    const { items, total } = await auditList('?limit=20');
    expect(total).toBeGreaterThanOrEqual(9);
    const actions = items.map((item) => item.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'user.create',
        'user.update',
        'api_token.create',
        'api_token.revoke',
        'enrollment_token.create',
        'enrollment_token.revoke',
        'node.enroll',
        'auth.login',
        'auth.login_failed',
      ]),
    );
    const update = items.find((item) => item.action === 'user.update')!;
    expect(update).toMatchObject({
      actorType: 'user',
      actorName: 'admin',
      reason: 'joins on-call',
      data: { username: 'audited', role: { from: 'viewer', to: 'operator' } },
    });
    expect(items.find((item) => item.action === 'node.enroll')).toMatchObject({
      subjectId: nodeId,
      data: { hostname: 'kong-audited' },
    });
    expect(items.find((item) => item.action === 'api_token.revoke')!.reason).toBe('not needed');
    // Newest first.
    expect(actions[0]).toBe('auth.login_failed');
  });

  it('filters and pages', async () => {
    // Entries of its own, so it holds whatever ran before it.
    for (const name of ['paged-1', 'paged-2']) {
      const headers = (await t.admin()).headers;
      await t.app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers, payload: { name, role: 'viewer' } });
    }
    const page = await auditList('?limit=2&offset=1');
    expect(page.items).toHaveLength(2);
    const creates = await auditList('?action=api_token.create');
    expect(creates.items.every((item) => item.action === 'api_token.create')).toBe(true);
  });

  it('never holds passwords or tokens', async () => {
    const all = await auditList('?limit=500');
    const text = JSON.stringify(all);
    expect(text).not.toContain(TEST_ADMIN_PASSWORD);
    expect(text).not.toContain('a long enough password');
    expect(text).not.toContain(TEST_ENROLLMENT_TOKEN);
    expect(text).not.toMatch(/iam_[\w-]{20,}|iamenroll_[\w-]{20,}|iamagent_[\w-]{20,}|scrypt\$/);
  });

  it('is append-only: the database rejects UPDATE and DELETE, even from the app', async () => {
    await expect(t.app.pg.query(`UPDATE audit_events SET reason = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(t.app.pg.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(t.app.prisma.auditEvent.updateMany({ data: { reason: 'rewritten' } })).rejects.toThrow(/append-only/);
    const { items } = await auditList('?limit=500');
    expect(items.some((item) => item.reason === 'rewritten')).toBe(false);
  });
});

describe('responses never carry secrets', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, {}, { postgres });

  it('no response outside the one-time creation answers contains a hash, a password or a token', async () => {
    const admin = await t.admin();
    const token = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/api-tokens',
        headers: admin.headers,
        payload: { name: 't', role: 'admin' },
      })
    ).json().token as string;
    const enrollToken = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/enrollment-tokens',
        headers: admin.headers,
        payload: { name: 'e' },
      })
    ).json().token as string;
    const { credential } = await enrollNode(t.app, enrollToken);
    const bodies: string[] = [];
    for (const url of [
      '/api/v1/users',
      '/api/v1/api-tokens',
      '/api/v1/enrollment-tokens',
      '/api/v1/audit?limit=500',
      '/api/v1/auth/me',
    ]) {
      for (const headers of [admin.headers, { authorization: `Bearer ${token}` }]) {
        const response = await t.app.inject({ method: 'GET', url, headers });
        expect(response.statusCode, url).toBe(200);
        bodies.push(response.body);
      }
    }
    bodies.push(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: { username: 'u1', password: 'a long enough password', role: 'viewer' },
        })
      ).body,
    );
    const text = bodies.join('\n');
    for (const secret of [
      token,
      enrollToken,
      credential,
      TEST_ADMIN_PASSWORD,
      TEST_ENROLLMENT_TOKEN,
      'a long enough password',
    ])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/passwordHash|tokenHash|password_hash|token_hash|scrypt\$/);
  });
});
