import { describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../test/agent';
import { useTestApp } from '../test/use-test-app';
import { beat, heartbeatBody } from '../modules/heartbeats/heartbeat-fixtures';
import { UNSTORABLE_TEXT_MESSAGE } from '../http/validator';

const NUL = 'a\u0000b';
const LONE_HIGH = 'kong-\uD800-1';
const LONE_LOW = 'kong-\uDC00-1';

/** Issue 8, finding 1 (first half) and 6: text PostgreSQL cannot store is a 400 naming the field, on every route. */
describe('text PostgreSQL cannot store (NUL, unpaired surrogates)', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN });

  const expectRefused = (response: { statusCode: number; json: () => unknown }, path: string) => {
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: 'validation',
        message: expect.stringContaining(path),
        fields: [{ path, message: UNSTORABLE_TEXT_MESSAGE }],
      },
    });
  };

  it('refuses a heartbeat with NUL in kongVersion, statusMessage or a finding, naming the field', async () => {
    const { nodeId, credential } = await enrollNode(t.app);
    expectRefused(
      await beat(t.app, nodeId, credential, heartbeatBody({ seq: 1 }, { kongVersion: '3.9.0\u0000' })),
      'body.kongVersion',
    );
    expectRefused(
      await beat(t.app, nodeId, credential, heartbeatBody({ seq: 1 }, { statusMessage: `bad ${NUL}` })),
      'body.statusMessage',
    );
    const finding = { rule: 'r', severity: 'info' as const, key: '', message: NUL, fix: '' };
    expectRefused(
      await beat(t.app, nodeId, credential, heartbeatBody({ seq: 1 }, { findings: [finding] })),
      'body.findings.0.message',
    );
    // The same node's clean heartbeat is still accepted.
    expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq: 1 }))).statusCode).toBe(200);
  });

  it('refuses NUL in the login username (unauthenticated)', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: `admin${NUL}`, password: 'whatever-password' },
    });
    expectRefused(response, 'body.username');
  });

  it('refuses NUL in API-token and enrollment-token names and reasons', async () => {
    const admin = await t.admin();
    expectRefused(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/api-tokens',
        headers: admin.headers,
        payload: { name: NUL, role: 'viewer' },
      }),
      'body.name',
    );
    expectRefused(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/enrollment-tokens',
        headers: admin.headers,
        payload: { name: 'ok', reason: NUL },
      }),
      'body.reason',
    );
  });

  it.each([NUL, LONE_HIGH, LONE_LOW])('refuses an enrollment hostname %j', async (hostname) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents/enroll',
      headers: { authorization: `Bearer ${TEST_ENROLLMENT_TOKEN}` },
      payload: { hostname, kongVersion: '3.9.1', role: 'traditional', agentVersion: '0.1.0' },
    });
    expectRefused(response, 'body.hostname');
  });

  it('refuses NUL in query strings: the node search and the audit filters', async () => {
    const admin = await t.admin();
    expectRefused(
      await t.app.inject({ method: 'GET', url: '/api/v1/nodes?q=a%00b', headers: admin.headers }),
      'query.q',
    );
    for (const filter of ['action', 'subjectType', 'subjectId']) {
      expectRefused(
        await t.app.inject({ method: 'GET', url: `/api/v1/audit?${filter}=a%00b`, headers: admin.headers }),
        `query.${filter}`,
      );
    }
  });

  it('still accepts well-formed astral characters (a surrogate pair)', async () => {
    const admin = await t.admin();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: admin.headers,
      payload: { name: 'deploy 🚀', role: 'viewer' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().apiToken.name).toBe('deploy 🚀');
  });
});
