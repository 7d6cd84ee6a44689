import type { HeartbeatReply, RolloutView } from '@iamroll/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { eventually, type TestSession } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { beat } from '../heartbeats/heartbeat-fixtures';
import { PRIMARY_HOST, REPLICA_HOST, runFleet, type ScriptedNode, type SendBeat } from './scripted-fleet';

// Given a canary whose switch fails (its agent reverts it and reports `failed`), with no
// failure tolerated, the rollout pauses for a human, the failure and the pause go to the
// webhook outbox, and a rollback returns the nodes that did move.

describe('a failed switch', () => {
  const t = useTestApp(
    { enrollmentToken: TEST_ENROLLMENT_TOKEN, rolloutReconcileMs: 100, webhookUrl: 'http://127.0.0.1:9/hook' },
    { leaderRetryMs: 200 },
  );
  let operator: TestSession;
  let primaryId: string;
  const nodes: ScriptedNode[] = [];
  let fleet: { stop(): Promise<void> };
  const send: SendBeat = async (nodeId, credential, body) => {
    const response = await beat(t.app, nodeId, credential, body);
    return response.statusCode === 200 ? response.json<HeartbeatReply>() : null;
  };
  const get = async (id: string) =>
    (
      await t.app.inject({ method: 'GET', url: `/api/v1/rollouts/${id}`, headers: operator.headers })
    ).json<RolloutView>();

  beforeAll(async () => {
    const admin = await t.admin();
    operator = await t.sessionAs('operator');
    for (const [identifier, host] of [
      ['kong-db', PRIMARY_HOST],
      ['kong-db-ro', REPLICA_HOST],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/databases',
        headers: admin.headers,
        payload: { identifier, host, port: 5432, region: 'us-east-1' },
      });
      if (identifier === 'kong-db') primaryId = response.json<{ id: string }>().id;
    }
    for (let i = 0; i < 3; i += 1) {
      const { nodeId, credential } = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${i}`);
      nodes.push({
        nodeId,
        credential,
        stage: 'password',
        seq: 0,
        applied: [],
        failure: { reason: 'kong restart failed' },
      });
    }
    fleet = runFleet(nodes, send);
    await eventually(() => t.app.leader.isLeader);
    await eventually(() =>
      nodes.every((node) => t.app.fleet.registry.get(node.nodeId)?.report?.rwDatabaseId === primaryId),
    );
  });
  afterAll(() => fleet.stop());

  it('pauses past the failure limit, notifies, and rolls back', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts',
      headers: operator.headers,
      payload: { scope: { databaseId: primaryId }, reason: 'fail the canary', bakeSeconds: 0, failureLimit: 0 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json<RolloutView>();
    await eventually(async () => (await get(id)).status === 'paused', 30_000, 100);
    const paused = await get(id);
    const failed = paused.nodes.filter((node) => node.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toMatch(/kong restart failed/);
    expect(paused.pause?.reason).toMatch(/failure limit/);
    const events = (await t.app.prisma.webhookOutbox.findMany({ orderBy: { id: 'asc' } })).map((row) => row.event);
    expect(events).toEqual(['rollout.node_failed', 'rollout.paused']);
    const audit = await t.app.prisma.auditEvent.findMany({ where: { subjectId: id, action: 'rollout.node_failed' } });
    expect(audit).toHaveLength(1);

    const rollback = await t.app.inject({
      method: 'POST',
      url: `/api/v1/rollouts/${id}/rollback`,
      headers: operator.headers,
      payload: { reason: 'the canary failed' },
    });
    expect(rollback.statusCode, rollback.body).toBe(200);
    await eventually(async () => (await get(id)).status === 'rolled_back', 30_000, 100);
    for (const node of nodes) expect(node.stage).toBe('password');
  }, 60_000);

  it('lets one rollout hold a node at a time: a second one on the same nodes pauses, naming the holder', async () => {
    const create = async (reason: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/rollouts',
          headers: operator.headers,
          payload: { scope: { databaseId: primaryId }, reason, bakeSeconds: 0, failureLimit: 3 },
        })
      ).json<RolloutView>().id;
    const first = await create('first');
    await eventually(async () => (await get(first)).nodes.length === 3, 30_000, 100);
    const second = await create('second');
    await eventually(async () => (await get(second)).status === 'paused', 30_000, 100);
    expect((await get(second)).pause?.reason).toContain(`held by rollout ${first}`);
    const holders = await t.app.prisma.rolloutNode.groupBy({
      by: ['nodeId'],
      where: { isHolding: true },
      _count: true,
    });
    expect(holders).toHaveLength(3);
    expect(holders.every((row) => row._count === 1)).toBe(true);
    expect(await t.app.prisma.rolloutNode.count({ where: { rolloutId: second, isHolding: true } })).toBe(0);
    const pauses = await t.app.prisma.auditEvent.findMany({ where: { subjectId: second, action: 'rollout.pause' } });
    expect(pauses).toHaveLength(1);
  }, 60_000);
});
