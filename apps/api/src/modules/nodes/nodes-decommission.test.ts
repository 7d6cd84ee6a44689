import type { AlarmList, AuditList, ErrorBody, NodeList, NodeView } from '@iamroll/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { eventually, type TestApp } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { beat, heartbeatBody, manualClock } from '../heartbeats/heartbeat-fixtures';

describe('decommissioning nodes, and the stale filter', () => {
  const clock = manualClock();
  let hostCounter = 0;
  /** The process that serves the requests; `other` is a second API process on the same database. */
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });
  const other = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now }, { sameDatabaseAs: t });

  const enroll = (prefix = 'kong') => enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `${prefix}-${++hostCounter}`);
  const send = async (app: TestApp, node: { nodeId: string; credential: string }, seq: number) => {
    const response = await beat(app.app, node.nodeId, node.credential, heartbeatBody({ seq }));
    expect(response.statusCode, response.body).toBe(200);
  };
  const decommission = async (
    nodeId: string,
    payload: object = { reason: 'host retired' },
  ): Promise<LightMyRequestResponse> =>
    t.app.inject({ method: 'DELETE', url: `/api/v1/nodes/${nodeId}`, headers: (await t.admin()).headers, payload });
  const list = async (query: string): Promise<NodeList> => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/nodes?${query}`,
      headers: (await t.admin()).headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<NodeList>();
  };
  const fleetNodesOn = async (app: TestApp) =>
    Number(
      /^iamroll_fleet_nodes (\d+)/m.exec((await app.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1] ?? NaN,
    );

  it('decommissions a node: 200 with its view, and the list leaves it out unless asked', async () => {
    const node = await enroll();
    const response = await decommission(node.nodeId);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<NodeView>()).toMatchObject({
      id: node.nodeId,
      decommissionedAt: new Date(clock.now()).toISOString(),
    });
    expect((await list(`q=${node.nodeId}`)).items).toEqual([]);
    expect((await list(`q=${node.nodeId}&includeDecommissioned=true`)).items.map((view) => view.id)).toEqual([
      node.nodeId,
    ]);
  });

  it('records who decommissioned the node and why', async () => {
    const node = await enroll();
    expect((await decommission(node.nodeId, { reason: 'replaced by kong-99' })).statusCode).toBe(200);
    const audit = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit?action=node.decommission&subjectId=${node.nodeId}`,
      headers: (await t.admin()).headers,
    });
    expect(audit.json<AuditList>().items).toEqual([
      expect.objectContaining({
        action: 'node.decommission',
        actorType: 'user',
        actorName: 'admin',
        subjectType: 'node',
        subjectId: node.nodeId,
        reason: 'replaced by kong-99',
      }),
    ]);
  });

  it("refuses the decommissioned node's agent at once (401)", async () => {
    const node = await enroll();
    await send(t, node, 1);
    expect((await decommission(node.nodeId)).statusCode).toBe(200);
    const response = await beat(t.app, node.nodeId, node.credential, heartbeatBody({ seq: 2 }));
    expect(response.statusCode).toBe(401);
  });

  it('answers 404 for a node that does not exist', async () => {
    const response = await decommission('00000000-0000-4000-8000-000000000000');
    expect(response.statusCode).toBe(404);
  });

  it('answers 409 when the node is already decommissioned', async () => {
    const node = await enroll();
    expect((await decommission(node.nodeId)).statusCode).toBe(200);
    const again = await decommission(node.nodeId);
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorBody>().error.code).toBe('conflict');
  });

  it('requires a reason, naming the field', async () => {
    const node = await enroll();
    const response = await decommission(node.nodeId, {});
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().error.fields?.map((field) => field.path)).toContain('body.reason');
    expect((await list(`q=${node.nodeId}`)).total).toBe(1);
  });

  it("resolves the node's open stale alarm", async () => {
    const node = await enroll();
    await send(t, node, 1);
    clock.advance(10_000);
    const key = `node-stale:${node.nodeId}`;
    const alarmsIn = async (state: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/alarms?state=${state}&limit=500`,
          headers: (await t.admin()).headers,
        })
      ).json<AlarmList>().items;
    await eventually(async () => (await alarmsIn('open')).some((alarm) => alarm.key === key));
    expect((await decommission(node.nodeId)).statusCode).toBe(200);
    expect((await alarmsIn('resolved')).find((alarm) => alarm.key === key)).toMatchObject({
      state: 'resolved',
      resolvedAt: new Date(clock.now()).toISOString(),
    });
  });

  it('makes the other API process drop the node from its fleet', async () => {
    const node = await enroll();
    await send(t, node, 1);
    // The other process holds it too (forwarded heartbeat or its refresh).
    const before = await fleetNodesOn(t);
    await eventually(async () => (await fleetNodesOn(other)) === before);
    expect((await decommission(node.nodeId)).statusCode).toBe(200);
    expect(await fleetNodesOn(t)).toBe(before - 1);
    await eventually(async () => (await fleetNodesOn(other)) === before - 1);
    await eventually(
      async () => (await beat(other.app, node.nodeId, node.credential, heartbeatBody({ seq: 2 }))).statusCode === 401,
    );
  });

  it('filters stale nodes: silent for three intervals, as isStale says', async () => {
    const silent = await enroll('stale');
    const live = await enroll('stale');
    await enroll('stale'); // never heard from: not stale
    await send(t, silent, 1);
    clock.advance(5_000);
    await send(t, live, 1);
    const stale = await list('q=stale-&status=stale');
    expect(stale.items.map((view) => view.id)).toEqual([silent.nodeId]);
    expect(stale.total).toBe(1);
    expect(stale.items[0]?.isStale).toBe(true);
    expect((await list('q=stale-')).items.filter((view) => view.isStale).map((view) => view.id)).toEqual([
      silent.nodeId,
    ]);
  });
});
