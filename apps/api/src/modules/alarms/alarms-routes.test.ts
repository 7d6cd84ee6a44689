import type { AlarmList, AlarmView, AuditList, ServerEvent } from '@iamroll/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { eventually } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { beat, heartbeatBody, manualClock, registerDatabase } from '../heartbeats/heartbeat-fixtures';

describe('alarms', () => {
  const clock = manualClock();
  const events: ServerEvent[] = [];
  let hostCounter = 0;

  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });

  beforeAll(() => {
    t.app.events.subscribe((event) => {
      if (event.type.startsWith('alarm.')) events.push(event);
    });
  });

  const alarms = async (state = 'all') =>
    (
      await t.app.inject({ method: 'GET', url: `/api/v1/alarms?state=${state}`, headers: (await t.admin()).headers })
    ).json<AlarmList>();
  const alarmOf = async (key: string, state = 'all') => (await alarms(state)).items.find((alarm) => alarm.key === key);
  const enroll = () => enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${++hostCounter}`);
  const send = async (node: { nodeId: string; credential: string }, options: Parameters<typeof heartbeatBody>[0]) => {
    const response = await beat(t.app, node.nodeId, node.credential, heartbeatBody({ iam: true, ...options }));
    expect(response.statusCode, response.body).toBe(200);
  };

  it('opens a critical alarm over budget, lets an operator acknowledge it, and resolves it when the rate drops', async () => {
    const host = 'budget-db.abc.us-east-1.rds.amazonaws.com';
    const databaseId = await registerDatabase(t.app, (await t.admin()).headers, {
      identifier: 'budget-db',
      host,
      budgetPerSecond: 20,
    });
    const node = await enroll();
    // 50 new IAM connections a second against a budget of 20, reported in one heartbeat after a
    // 12 s gap: the evaluator sees the 10 s average jump from 0 to 50, never a warning on the way.
    await send(node, { seq: 1, host });
    clock.advance(12_000);
    await send(node, { seq: 13, attempts: 600, host });
    clock.advance(1_000);
    const key = `db-rate-critical:${databaseId}`;
    await eventually(async () => (await alarmOf(key, 'open')) !== undefined);
    const opened = (await alarmOf(key))!;
    expect(opened).toMatchObject({
      kind: 'db-rate-critical',
      severity: 'critical',
      state: 'open',
      subjectType: 'database',
      subjectId: databaseId,
      value: 50,
    });
    expect(opened.message).toMatch(/^budget-db at 50\/s, 250% of its 20\/s IAM budget \(10 s average\)/);
    await eventually(() => events.some((event) => event.type === 'alarm.opened' && event.data.key === key));

    const operator = await t.sessionAs('operator');
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/alarms/${opened.id}/acknowledge`,
      headers: operator.headers,
      payload: { reason: 'looking into the restart storm' },
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json<AlarmView>()).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: operator.user.username,
      acknowledgedAt: new Date(clock.now()).toISOString(),
    });
    expect((await alarmOf(key, 'acknowledged'))?.id).toBe(opened.id);
    expect(await alarmOf(key, 'open')).toBeUndefined();
    await eventually(() => events.some((event) => event.type === 'alarm.acknowledged' && event.data.id === opened.id));

    // Connections stop: the 10 s average falls to zero and the alarm resolves.
    for (let seq = 14; seq <= 27; seq++) {
      await send(node, { seq, attempts: 600, host });
      clock.advance(1_000);
    }
    await eventually(async () => (await alarmOf(key, 'resolved'))?.id === opened.id);
    await eventually(() => events.some((event) => event.type === 'alarm.resolved' && event.data.id === opened.id));

    const audit = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/audit?subjectType=database&subjectId=${databaseId}`,
        headers: (await t.admin()).headers,
      })
    ).json<AuditList>();
    const trail = audit.items.filter((entry) => entry.data.alarmId === opened.id);
    expect(trail.map((entry) => entry.action)).toEqual(['alarm.resolve', 'alarm.acknowledge', 'alarm.open']);
    expect(trail[1]).toMatchObject({ reason: 'looking into the restart storm', actorName: operator.user.username });
    expect(trail[0]).toMatchObject({ actorType: 'system' });
  });

  it('opens a critical alarm on any throttled authentication, whatever the rate', async () => {
    const host = 'throttle-db.abc.us-east-1.rds.amazonaws.com';
    const databaseId = await registerDatabase(t.app, (await t.admin()).headers, { identifier: 'throttle-db', host });
    const node = await enroll();
    await send(node, { seq: 1, host });
    clock.advance(1_000);
    await send(node, { seq: 2, attempts: 3, host, failures: { throttled: 1 } });
    await eventually(
      async () =>
        (await alarmOf(`db-rate-critical:${databaseId}`, 'open'))?.message.includes(
          '1 IAM authentication throttled',
        ) === true,
    );
  });

  it('opens an alarm for a node failing authentication', async () => {
    const node = await enroll();
    await send(node, { seq: 1 });
    clock.advance(1_000);
    await send(node, { seq: 2, attempts: 2, failures: { invalidToken: 2 } });
    await eventually(
      async () =>
        (await alarmOf(`node-auth-failures:${node.nodeId}`, 'open'))?.message.includes('2 authentication failures') ===
        true,
    );
  });

  it('opens a stale alarm after three silent intervals and resolves it once the node is back for three', async () => {
    const node = await enroll();
    await send(node, { seq: 1 });
    clock.advance(10_000);
    const key = `node-stale:${node.nodeId}`;
    await eventually(async () => (await alarmOf(key, 'open'))?.message.includes('silent for 10 s') === true);
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/nodes?q=${node.nodeId}`,
      headers: (await t.admin()).headers,
    });
    expect(list.json().items[0]).toMatchObject({ id: node.nodeId, isStale: true });

    for (let seq = 2; seq <= 6; seq++) {
      await send(node, { seq });
      clock.advance(1_000);
    }
    await eventually(async () => (await alarmOf(key, 'resolved')) !== undefined);
  });

  it('pages alarms as {items, total} and filters by state', async () => {
    // Two alarms of its own, so there is a second one to page to whatever ran before.
    const keys: string[] = [];
    for (const node of [await enroll(), await enroll()]) {
      await send(node, { seq: 1 });
      clock.advance(1_000);
      await send(node, { seq: 2, attempts: 5, failures: { throttled: 2, notAuthorized: 1 } });
      keys.push(`node-auth-failures:${node.nodeId}`);
    }
    await eventually(async () => (await Promise.all(keys.map((key) => alarmOf(key)))).every(Boolean));
    const all = await alarms();
    expect(Object.keys(all).sort()).toEqual(['items', 'total']);
    const page = (
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/alarms?state=all&limit=1&offset=1',
        headers: (await t.admin()).headers,
      })
    ).json<AlarmList>();
    expect(page.total).toBe(all.total);
    expect(page.items).toEqual([all.items[1]]);
    expect((await alarms('resolved')).items.every((alarm) => alarm.state === 'resolved')).toBe(true);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alarms/00000000-0000-4000-8000-000000000000/acknowledge',
      headers: (await t.admin()).headers,
      payload: {},
    });
    expect(missing.statusCode).toBe(404);
    // A body is optional: `curl -X POST …/acknowledge` works.
    const open = (await alarms('open')).items[0]!;
    const bare = await t.app.inject({
      method: 'POST',
      url: `/api/v1/alarms/${open.id}/acknowledge`,
      headers: (await t.admin()).headers,
    });
    expect(bare.statusCode, bare.body).toBe(200);
  });
});
