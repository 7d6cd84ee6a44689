import type { AuditList, ErrorBody, HeartbeatReply, NodePreflightView, ServerEvent } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { eventually } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { beat, heartbeatBody } from '../heartbeats/heartbeat-fixtures';
import { notInRdsIam, passing } from './scripted-preflight';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('GET/POST /api/v1/nodes/{id}/preflight', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, {}, { isFreshPerTest: true });
  let seq = 0;
  const heartbeat = async (
    node: { nodeId: string; credential: string },
    extra: Record<string, unknown> = {},
  ): Promise<HeartbeatReply> => {
    seq += 1;
    const response = await beat(t.app, node.nodeId, node.credential, { ...heartbeatBody({ seq }), ...extra });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<HeartbeatReply>();
  };
  const get = async (nodeId: string, headers: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: `/api/v1/nodes/${nodeId}/preflight`, headers });

  it('asks a capable agent in the heartbeat reply, stores its report once, and serves it with its age', async () => {
    const node = await enrollNode(t.app);
    const operator = await t.sessionAs('operator');
    const viewer = await t.sessionAs('viewer');
    // Before its agent said it runs preflight: 409 with what to do.
    await heartbeat(node);
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/nodes/${node.nodeId}/preflight`,
      headers: operator.headers,
      payload: {},
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<ErrorBody>().error.message).toMatch(/does not run preflight.*iamroll preflight/);

    expect((await heartbeat(node, { capabilities: ['preflight'] })).preflight).toBeUndefined();
    const asked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/nodes/${node.nodeId}/preflight`,
      headers: operator.headers,
      payload: { stages: ['rw_iam'], reason: 'after the grant' },
    });
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json<NodePreflightView>().pending).toMatchObject({ stages: ['rw_iam'] });
    const reply = await heartbeat(node, { capabilities: ['preflight'] });
    expect(reply.preflight).toMatchObject({ stages: ['rw_iam'] });
    const requestId = reply.preflight!.requestId;
    // Still pending until answered: the next reply repeats it (the agent runs a request id once).
    expect((await heartbeat(node, { capabilities: ['preflight'] })).preflight?.requestId).toBe(requestId);

    const events: ServerEvent[] = [];
    const unsubscribe = t.app.events.subscribe((event) => events.push(event));
    const checkedAtMs = Date.now() - 30_000;
    const answered = await heartbeat(node, {
      capabilities: ['preflight'],
      preflight: { requestId, results: [notInRdsIam('rw_iam', checkedAtMs)] },
    });
    expect(answered.preflight).toBeUndefined();
    expect((await heartbeat(node, { capabilities: ['preflight'] })).preflight).toBeUndefined();

    const view = (await get(node.nodeId, viewer.headers)).json<NodePreflightView>();
    expect(view.pending).toBeNull();
    expect(view.results).toHaveLength(1);
    expect(view.results[0]).toMatchObject({
      stage: 'rw_iam',
      isPassed: false,
      checkedAt: new Date(checkedAtMs).toISOString(),
    });
    expect(view.results[0]!.ageSeconds).toBeGreaterThanOrEqual(30);
    expect(view.results[0]!.checks.find((c) => c.status === 'fail')).toMatchObject({
      id: 'rds-iam-member',
      fix: 'GRANT rds_iam TO "kong_iam";',
    });
    expect(t.app.fleet.preflight.memory.get(node.nodeId)?.verdicts[0]).toMatchObject({
      stage: 'rw_iam',
      isPassed: false,
      reason: expect.stringMatching(/^rds-iam-member \(ro\): kong_iam is not a member of rds_iam/),
    });
    // The event comes back through PostgreSQL's LISTEN: wait for it, however loaded the machine.
    await eventually(() => events.some((e) => e.type === 'node.preflight' && e.data.isPassed === false));
    unsubscribe();

    // A later passing run replaces the stage's result; the other stage is kept.
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/nodes/${node.nodeId}/preflight`,
      headers: operator.headers,
      payload: {},
    });
    const both = (await heartbeat(node, { capabilities: ['preflight'] })).preflight!;
    expect(both.stages).toEqual(['ro_iam', 'rw_iam']);
    expect(again.json<NodePreflightView>().pending?.requestId).toBe(both.requestId);
    await heartbeat(node, {
      capabilities: ['preflight'],
      preflight: { requestId: both.requestId, results: [passing('ro_iam', Date.now()), passing('rw_iam', Date.now())] },
    });
    const latest = (await get(node.nodeId, viewer.headers)).json<NodePreflightView>();
    expect(latest.results.map((r) => [r.stage, r.isPassed])).toEqual([
      ['ro_iam', true],
      ['rw_iam', true],
    ]);

    const audit = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/audit?subjectType=node&subjectId=${node.nodeId}`,
        headers: (await t.admin()).headers,
      })
    ).json<AuditList>();
    expect(audit.items.filter((e) => e.action === 'node.preflight_requested').map((e) => e.reason)).toContain(
      'after the grant',
    );
  });

  it('roles: viewers read, operators run, admins override (reason required, audited) and clear; 404 for an unknown node', async () => {
    const node = await enrollNode(t.app);
    await heartbeat(node, { capabilities: ['preflight'] });
    const viewer = await t.sessionAs('viewer');
    const operator = await t.sessionAs('operator');
    const admin = await t.admin();
    const call = (method: 'POST' | 'DELETE', path: string, headers: Record<string, string>, payload: object = {}) =>
      t.app.inject({ method, url: `/api/v1/nodes/${node.nodeId}/preflight${path}`, headers, payload });

    expect((await get(node.nodeId, viewer.headers)).json<NodePreflightView>()).toEqual({
      nodeId: node.nodeId,
      results: [],
      pending: null,
      override: null,
    });
    expect((await call('POST', '', viewer.headers)).statusCode).toBe(403);
    expect((await call('POST', '', operator.headers)).statusCode).toBe(202);
    expect((await call('POST', '/override', operator.headers, { reason: 'x'.repeat(10) })).statusCode).toBe(403);
    const noReason = await call('POST', '/override', admin.headers, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json<ErrorBody>().error.fields?.map((f) => f.path)).toContain('body.reason');
    const badStage = await call('POST', '', operator.headers, { stages: ['password'] });
    expect(badStage.statusCode).toBe(400);
    expect(badStage.json<ErrorBody>().error.fields?.[0]?.path).toMatch(/^body\.stages/);

    const overridden = await call('POST', '/override', admin.headers, { reason: 'grant verified by the DBA' });
    expect(overridden.statusCode, overridden.body).toBe(200);
    expect(overridden.json<NodePreflightView>().override).toMatchObject({
      by: 'admin',
      reason: 'grant verified by the DBA',
    });
    expect(t.app.fleet.preflight.memory.get(node.nodeId)?.override?.reason).toBe('grant verified by the DBA');
    const cleared = await call('DELETE', '/override', admin.headers, { reason: 'agent fixed' });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json<NodePreflightView>().override).toBeNull();
    expect((await call('DELETE', '/override', admin.headers, { reason: 'again' })).statusCode).toBe(409);
    const audit = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/audit?subjectType=node&subjectId=${node.nodeId}`,
        headers: admin.headers,
      })
    ).json<AuditList>();
    expect(audit.items.map((e) => [e.action, e.reason])).toEqual(
      expect.arrayContaining([
        ['node.preflight_override', 'grant verified by the DBA'],
        ['node.preflight_override_cleared', 'agent fixed'],
      ]),
    );

    for (const [method, path, headers] of [
      ['GET', '', viewer.headers],
      ['POST', '', operator.headers],
      ['POST', '/override', admin.headers],
    ] as const) {
      const response = await t.app.inject({
        method,
        url: `/api/v1/nodes/${UNKNOWN}/preflight${path}`,
        headers,
        ...(method === 'POST' ? { payload: { reason: 'unknown node' } } : {}),
      });
      expect(response.statusCode, `${method} ${path}`).toBe(404);
    }
  });

  it('refuses a report carrying a secret, naming the field, and stores nothing', async () => {
    const node = await enrollNode(t.app);
    await heartbeat(node, { capabilities: ['preflight'] });
    const result = passing('ro_iam', Date.now());
    const leaked = {
      ...result,
      checks: [
        {
          ...result.checks[0]!,
          message: 'credentials AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        },
      ],
    };
    seq += 1;
    const response = await beat(t.app, node.nodeId, node.credential, {
      ...heartbeatBody({ seq }),
      capabilities: ['preflight'],
      preflight: { requestId: 'pf-1', results: [leaked] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().error.fields?.[0]?.path).toMatch(/preflight/);
    const viewer = await t.sessionAs('viewer');
    expect((await get(node.nodeId, viewer.headers)).json<NodePreflightView>().results).toEqual([]);
  });
});
