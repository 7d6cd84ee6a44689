import type { CreatedEnrollmentToken, EnrollmentTokenList } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { useTestApp } from '../../test/use-test-app';

describe('enrollment', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN });

  const createEnrollmentToken = async (payload: Record<string, unknown>) =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/enrollment-tokens',
        headers: (await t.admin()).headers,
        payload,
      })
    ).json<CreatedEnrollmentToken>();

  it('enrolls a node with the bootstrap token from IAMROLL_ENROLLMENT_TOKEN and records it', async () => {
    const { nodeId, credential } = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-bootstrap');
    expect(credential).toMatch(/^iamagent_[\w-]{43}$/);
    const node = await t.app.prisma.node.findUniqueOrThrow({ where: { id: nodeId } });
    expect(node).toMatchObject({
      hostname: 'kong-bootstrap',
      kongVersion: '3.9.1',
      role: 'traditional',
      agentVersion: '0.1.0',
      stage: 'password',
      status: 'idle',
    });
    const stored = await t.app.prisma.agentCredential.findFirstOrThrow({ where: { nodeId } });
    expect(stored.tokenHash).not.toContain(credential);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/agents/me',
      headers: { authorization: `Bearer ${credential}` },
    });
    expect(me.json()).toEqual({ nodeId, hostname: 'kong-bootstrap' });
  });

  it('refuses a wrong enrollment token with 401', async () => {
    for (const token of ['iamenroll_wrong', 'not-the-bootstrap-token-at-all']) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/agents/enroll',
        headers: { authorization: `Bearer ${token}` },
        payload: { hostname: 'x', kongVersion: '3.9.1', role: 'traditional', agentVersion: '0.1.0' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.message).toMatch(/enrollment token/);
    }
  });

  it('counts down the uses of a created token, then refuses it', async () => {
    const { token, enrollmentToken } = await createEnrollmentToken({ name: 'two nodes', uses: 2, expiresInHours: 1 });
    expect(token).toMatch(/^iamenroll_/);
    expect(enrollmentToken).toMatchObject({ name: 'two nodes', usesLeft: 2, revokedAt: null });
    await enrollNode(t.app, token, 'kong-a');
    await enrollNode(t.app, token, 'kong-b');
    await expect(enrollNode(t.app, token, 'kong-c')).rejects.toThrow(/401/);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/enrollment-tokens',
      headers: (await t.admin()).headers,
    });
    expect(list.json<EnrollmentTokenList>().items.find((item) => item.id === enrollmentToken.id)?.usesLeft).toBe(0);
    expect(list.body).not.toContain(token);
  });

  it('refuses a revoked token', async () => {
    const { token, enrollmentToken } = await createEnrollmentToken({ name: 'revoke me' });
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/enrollment-tokens/${enrollmentToken.id}/revoke`,
      headers: (await t.admin()).headers,
      payload: { reason: 'posted in chat' },
    });
    expect(revoked.json().revokedAt).toEqual(expect.any(String));
    await expect(enrollNode(t.app, token)).rejects.toThrow(/401/);
  });

  it('gives out one use only once when nodes enroll at the same moment', async () => {
    const { token } = await createEnrollmentToken({ name: 'one node', uses: 1 });
    const results = await Promise.allSettled([
      enrollNode(t.app, token, 'race-1'),
      enrollNode(t.app, token, 'race-2'),
      enrollNode(t.app, token, 'race-3'),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  it('keeps agent credentials off operator and admin routes', async () => {
    const { credential } = await enrollNode(t.app);
    const headers = { authorization: `Bearer ${credential}` };
    const users = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers });
    expect(users.statusCode).toBe(403);
    expect(users.json().error.message).toMatch(/agent routes/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(403);
    // Nor can an agent enroll more nodes with its credential.
    const enroll = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents/enroll',
      headers,
      payload: { hostname: 'x', kongVersion: '3', role: 'traditional', agentVersion: '0' },
    });
    expect(enroll.statusCode).toBe(403);
  });

  it('validates what agents send, naming the field', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents/enroll',
      headers: { authorization: `Bearer ${TEST_ENROLLMENT_TOKEN}` },
      payload: { hostname: 'x', kongVersion: '3.9.1', role: 'gateway', agentVersion: '0.1.0' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([{ path: 'body.role', message: expect.any(String) }]);
  });
});
