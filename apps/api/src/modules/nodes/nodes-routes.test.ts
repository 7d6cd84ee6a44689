import type { ErrorBody, HeartbeatBody, NodeDetail, NodeList, NodePlan } from '@iamroll/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { eventually } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { beat, counters, heartbeatBody, manualClock, registerDatabase } from '../heartbeats/heartbeat-fixtures';

/** The same node with a separate read-only connection on IAM (to the same database). */
function withReadOnlyOnIam(body: HeartbeatBody): HeartbeatBody {
  const rw = body.config.rw!;
  return {
    ...body,
    counters: { ...body.counters, ro: counters(0) },
    config: { ...body.config, ro: { ...rw, iam: true, user: 'kong_iam' } },
  };
}

describe('GET /api/v1/nodes', () => {
  let databaseId: string;
  const ids = new Map<string, string>();
  const clock = manualClock();

  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });

  beforeAll(async () => {
    databaseId = await registerDatabase(t.app, (await t.admin()).headers, { identifier: 'fleet-db' });
    const beats = {
      alpha: heartbeatBody({ seq: 1, iam: true }),
      bravo: withReadOnlyOnIam(
        heartbeatBody({ seq: 1 }, { role: 'control_plane', status: 'degraded', statusMessage: 'pool exhausted twice' }),
      ),
      charlie: heartbeatBody({ seq: 1 }, { role: 'data_plane' }),
      delta: heartbeatBody({ seq: 1, host: 'somewhere-else.example.com' }, { status: 'error' }),
      echo: undefined,
    };
    for (const [hostname, body] of Object.entries(beats)) {
      const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, hostname);
      ids.set(hostname, node.nodeId);
      if (body) expect((await beat(t.app, node.nodeId, node.credential, body)).statusCode).toBe(200);
    }
    await eventually(async () => (await list('status=error')).total === 1 && (await list('stage=rw_iam')).total === 1);
  });

  async function list(query = ''): Promise<NodeList> {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/nodes?${query}`,
      headers: (await t.admin()).headers,
    });
    if (response.statusCode !== 200) throw new Error(`${query}: ${response.statusCode} ${response.body}`);
    return response.json<NodeList>();
  }
  const hostnames = async (query = '') => (await list(query)).items.map((node) => node.hostname);

  it('answers exactly {items, total}, sorted by hostname by default', async () => {
    const page = await list();
    expect(Object.keys(page).sort()).toEqual(['items', 'total']);
    expect(page.total).toBe(5);
    expect(page.items.map((node) => node.hostname)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
  });

  it('pages with limit and offset, total counting every match', async () => {
    const page = await list('limit=2&offset=1');
    expect(page.total).toBe(5);
    expect(page.items.map((node) => node.hostname)).toEqual(['bravo', 'charlie']);
    expect((await list('limit=2&offset=10')).items).toEqual([]);
  });

  it('sorts by the field and order asked for, nodes never seen last', async () => {
    expect(await hostnames('sort=hostname&order=desc')).toEqual(['echo', 'delta', 'charlie', 'bravo', 'alpha']);
    expect((await hostnames('sort=lastSeenAt&order=desc')).at(-1)).toBe('echo');
    expect((await hostnames('sort=stage&order=desc'))[0]).toBe('alpha');
    expect((await hostnames('sort=status')).at(-1)).toBe('echo');
  });

  it('filters by text, stage, role, status and database', async () => {
    expect(await hostnames('q=ALP')).toEqual(['alpha']);
    expect(await hostnames(`q=${ids.get('delta')}`)).toEqual(['delta']);
    expect(await hostnames('stage=rw_iam')).toEqual(['alpha']);
    expect(await hostnames('role=data_plane')).toEqual(['charlie']);
    expect(await hostnames('status=degraded')).toEqual(['bravo']);
    expect(await hostnames(`databaseId=${databaseId}`)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(await hostnames('role=control_plane&status=ok')).toEqual([]);
  });

  it('filters by read-write and read-only auth mode', async () => {
    expect(await hostnames('rwAuthMode=iam')).toEqual(['alpha']);
    expect(await hostnames('rwAuthMode=password')).toEqual(['bravo', 'charlie', 'delta', 'echo']);
    expect(await hostnames('roAuthMode=iam')).toEqual(['bravo']);
    expect(await hostnames('roAuthMode=password')).toEqual([]);
    expect(await hostnames('roAuthMode=none')).toEqual(['alpha', 'charlie', 'delta', 'echo']);
    expect(await hostnames('rwAuthMode=password&roAuthMode=iam')).toEqual(['bravo']);
  });

  it('filters by whether an unresolved alarm is about the node, and pages the result', async () => {
    await t.app.prisma.alarm.create({
      data: {
        key: `node-auth-failures:${ids.get('delta')}`,
        kind: 'node-auth-failures',
        severity: 'warning',
        subjectType: 'node',
        subjectId: ids.get('delta')!,
        message: 'test alarm',
      },
    });
    await t.app.prisma.alarm.create({
      data: {
        key: `node-stale:${ids.get('bravo')}`,
        kind: 'node-stale',
        severity: 'warning',
        subjectType: 'node',
        subjectId: ids.get('bravo')!,
        message: 'resolved test alarm',
        resolvedAt: new Date(),
      },
    });
    try {
      expect(await hostnames('hasAlarm=true')).toEqual(['delta']);
      expect(await hostnames('hasAlarm=false')).toEqual(['alpha', 'bravo', 'charlie', 'echo']);
      const page = await list('hasAlarm=false&limit=2&offset=2');
      expect(page.total).toBe(4);
      expect(page.items.map((node) => node.hostname)).toEqual(['charlie', 'echo']);
      const bad = await t.app.inject({
        method: 'GET',
        url: '/api/v1/nodes?hasAlarm=maybe',
        headers: (await t.admin()).headers,
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<ErrorBody>().error.fields?.[0]?.path).toBe('query.hasAlarm');
    } finally {
      await t.app.prisma.alarm.deleteMany({ where: { message: { in: ['test alarm', 'resolved test alarm'] } } });
    }
  });

  it('shows each node as operators need it', async () => {
    const byName = new Map((await list()).items.map((node) => [node.hostname, node]));
    expect(byName.get('alpha')).toMatchObject({
      rwDatabase: { id: databaseId, identifier: 'fleet-db' },
      roDatabase: null,
      rwAuthMode: 'iam',
      roAuthMode: null,
      stage: 'rw_iam',
      // Its first heartbeat was on IAM: enrolling a node never switches it back.
      desiredStage: 'rw_iam',
      transition: 'idle',
      status: 'ok',
      kongVersion: '3.9.1.0',
      agentVersion: '0.1.0',
      lastSeenAt: new Date(clock.now()).toISOString(),
      isStale: false,
      isIamApplicable: true,
    });
    expect(byName.get('bravo')).toMatchObject({
      role: 'control_plane',
      status: 'degraded',
      statusMessage: 'pool exhausted twice',
      isIamApplicable: true,
    });
    expect(byName.get('charlie')).toMatchObject({ role: 'data_plane', isIamApplicable: false });
    expect(byName.get('delta')).toMatchObject({ rwDatabase: null, findingCounts: { error: 0, warning: 1, info: 0 } });
    expect(byName.get('echo')).toMatchObject({ status: null, lastSeenAt: null, isStale: false, configHash: null });
  });

  it("plans a node's next stage for a viewer: the keys that change, old → new, no password", async () => {
    const get = async (url: string) =>
      t.app.inject({ method: 'GET', url, headers: (await t.sessionAs('viewer')).headers });
    const next = await get(`/api/v1/nodes/${ids.get('bravo')}/plan`);
    expect(next.statusCode, next.body).toBe(200);
    // bravo's read-only connection is on IAM already: next is read-write.
    expect(next.json<NodePlan>()).toMatchObject({
      nodeId: ids.get('bravo'),
      from: 'ro_iam',
      to: 'rw_iam',
      changes: [
        { key: 'pg_user', from: 'kong', to: 'kong_iam' },
        { key: 'pg_iam_auth', from: 'off', to: 'on' },
      ],
      kept: [{ key: 'pg_password', note: expect.stringContaining('kept for rollback') }],
      error: null,
    });
    expect(next.body).not.toMatch(/hunter|secret/i);
    const readOnly = (await get(`/api/v1/nodes/${ids.get('bravo')}/plan?stage=ro_iam`)).json<NodePlan>();
    expect(readOnly).toMatchObject({ to: 'ro_iam', changes: [] });
    expect(readOnly.notes[0]).toBe('Already at ro_iam: nothing to change.');
    expect((await get(`/api/v1/nodes/${ids.get('delta')}/plan?stage=ro_iam`)).json<NodePlan>().error).toMatch(
      /pg_ro_host is not set/,
    );
    expect((await get(`/api/v1/nodes/${ids.get('echo')}/plan`)).json<NodePlan>().error).toMatch(/No heartbeat yet/);
    expect((await get(`/api/v1/nodes/${ids.get('bravo')}/plan?stage=password`)).statusCode).toBe(400);
    expect((await get('/api/v1/nodes/00000000-0000-4000-8000-000000000000/plan')).statusCode).toBe(404);
  });

  it('refuses a limit over 500 and unknown sort fields, naming the parameter', async () => {
    const tooMany = await t.app.inject({
      method: 'GET',
      url: '/api/v1/nodes?limit=501',
      headers: (await t.admin()).headers,
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json<ErrorBody>().error.fields?.[0]?.path).toBe('query.limit');
    const badSort = await t.app.inject({
      method: 'GET',
      url: '/api/v1/nodes?sort=password',
      headers: (await t.admin()).headers,
    });
    expect(badSort.json<ErrorBody>().error.fields?.[0]?.path).toBe('query.sort');
  });

  it('details failed logins by cause, second by second, beside the rate', async () => {
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'failing');
    const host = 'somewhere-else.example.com';
    expect((await beat(t.app, node.nodeId, node.credential, heartbeatBody({ seq: 1, host }))).statusCode).toBe(200);
    const failures = { invalidToken: 2, notAuthorized: 1, throttled: 4 };
    const second = heartbeatBody({ seq: 2, host, attempts: 9, failures });
    expect((await beat(t.app, node.nodeId, node.credential, second)).statusCode).toBe(200);
    try {
      const detail = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/nodes/${node.nodeId}`,
          headers: (await t.sessionAs('viewer')).headers,
        })
      ).json<NodeDetail>();
      expect(detail.failures).toHaveLength(300);
      const sum = (cause: 'invalidToken' | 'notAuthorized' | 'throttled' | 'other') =>
        detail.failures.reduce((total, point) => total + point[cause], 0);
      expect([sum('invalidToken'), sum('notAuthorized'), sum('throttled'), sum('other')]).toEqual([2, 1, 4, 0]);
      expect(detail.failures.at(-1)?.t).toBe(Math.floor(clock.now() / 1000) * 1000);
    } finally {
      await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/nodes/${node.nodeId}`,
        headers: (await t.admin()).headers,
        payload: { reason: 'test node done' },
      });
    }
  });

  it('details one node: findings, config, the last five minutes of its rate, its audit trail', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/nodes/${ids.get('delta')}`,
      headers: (await t.sessionAs('viewer')).headers,
    });
    expect(response.statusCode).toBe(200);
    const detail = response.json<NodeDetail>();
    expect(detail.node.hostname).toBe('delta');
    expect(detail.findings).toEqual([expect.objectContaining({ rule: 'controller/unknown-database', key: 'pg_host' })]);
    expect(detail.config?.rw?.host).toBe('somewhere-else.example.com');
    expect(detail.rates.resolution).toBe(1);
    expect(detail.rates.points).toHaveLength(300);
    expect(detail.recentEvents.map((event) => event.action)).toEqual(['node.report', 'node.enroll']);
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/nodes/00000000-0000-4000-8000-000000000000',
      headers: (await t.admin()).headers,
    });
    expect(missing.statusCode).toBe(404);
  });
});
