import type { RolloutView } from '@iamroll/contracts';
import { newRolloutState, type RolloutSpec } from '@iamroll/core/rollout';
import { describe, expect, it } from 'vitest';
import { useRolloutFleet } from '../../test/rollout-fleet';
import { eventually } from '../../test/test-app';

// Given a canary whose switch fails (its agent reverts it and reports `failed`), with no
// failure tolerated, the rollout pauses for a human, the failure and the pause go to the
// webhook outbox, and a rollback returns the nodes that did move.

describe('a failed switch', () => {
  const fleet = useRolloutFleet({ nodeCount: 3, node: () => ({ failure: { reason: 'kong restart failed' } }) });
  const { t, nodes, get } = fleet;

  it('pauses past the failure limit, notifies, and rolls back', async () => {
    const created = await fleet.create({ reason: 'fail the canary', bakeSeconds: 0, failureLimit: 0 });
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

    const rollback = await fleet.control(id, 'rollback', 'the canary failed');
    expect(rollback.statusCode, rollback.body).toBe(200);
    await eventually(async () => (await get(id)).status === 'rolled_back', 30_000, 100);
    for (const node of nodes) expect(node.stage).toBe('password');
  }, 60_000);

  it('refuses (409) a rollout whose nodes another active rollout holds, naming it, the overlap and what to do', async () => {
    const created = await fleet.create({ reason: 'first', bakeSeconds: 0, failureLimit: 3 });
    expect(created.statusCode, created.body).toBe(201);
    const first = created.json<RolloutView>().id;
    await eventually(async () => (await get(first)).nodes.length === 3, 30_000, 100);
    const rolloutsBefore = await t.app.prisma.rollout.count();

    const second = await fleet.create({ reason: 'second', bakeSeconds: 0 });
    expect(second.statusCode, second.body).toBe(409);
    const message = second.json<{ error: { message: string } }>().error.message;
    expect(message).toContain(`held by rollout ${first}`);
    expect(message).toMatch(/^3 node\(s\)/);
    expect(message).toMatch(/finish or abort rollout .* first/);
    // A pending one claims its scope just the same, and a selector naming one of the nodes overlaps by one.
    const pending = await fleet.create({ reason: 'later', start: false });
    expect(pending.statusCode).toBe(409);
    const one = await fleet.create({ scope: { nodeIds: [nodes[1]!.nodeId] }, reason: 'just one' });
    expect(one.statusCode).toBe(409);
    expect(one.json<{ error: { message: string } }>().error.message).toMatch(/^1 node\(s\)/);
    expect(await t.app.prisma.rollout.count()).toBe(rolloutsBefore);

    // Starting a pending rollout that slipped past (written straight to the table here) is refused the same way.
    const row = (await t.app.prisma.rollout.findUnique({ where: { id: first } }))!;
    const spec = row.spec as unknown as RolloutSpec;
    const insert = async (isStarted: boolean) => {
      const state = newRolloutState(spec, { isStarted, by: 'test', reason: 'bypass', atMs: Date.now() });
      return (
        await t.app.prisma.rollout.create({
          data: {
            spec: row.spec as object,
            state: JSON.parse(JSON.stringify(state)) as object,
            status: state.status,
            stepHash: row.stepHash,
            reason: 'bypass',
            createdBy: 'test',
          },
        })
      ).id;
    };
    const slipped = await insert(false);
    const start = await fleet.control(slipped, 'start', 'go');
    expect(start.statusCode).toBe(409);
    expect(start.json<{ error: { message: string } }>().error.message).toContain(`held by rollout ${first}`);
    expect((await get(slipped)).status).toBe('pending');

    // The runtime guard stays: a running one that slipped past pauses, naming the holder, and holds nothing.
    const running = await insert(true);
    await eventually(async () => (await get(running)).status === 'paused', 30_000, 100);
    expect((await get(running)).pause?.reason).toContain(`held by rollout ${first}`);
    const holders = await t.app.prisma.rolloutNode.groupBy({
      by: ['nodeId'],
      where: { isHolding: true },
      _count: true,
    });
    expect(holders).toHaveLength(3);
    expect(holders.every((r) => r._count === 1)).toBe(true);
    expect(await t.app.prisma.rolloutNode.count({ where: { rolloutId: running, isHolding: true } })).toBe(0);
    const pauses = await t.app.prisma.auditEvent.findMany({ where: { subjectId: running, action: 'rollout.pause' } });
    expect(pauses).toHaveLength(1);

    // Once the first is aborted, its nodes are free: the pending one starts.
    expect((await fleet.control(first, 'abort', 'make room')).statusCode).toBe(200);
    expect((await fleet.control(running, 'abort', 'make room')).statusCode).toBe(200);
    const started = await fleet.control(slipped, 'start', 'now it may');
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json<RolloutView>().status).toBe('running');
    expect((await fleet.control(slipped, 'abort', 'done')).statusCode).toBe(200);
  }, 90_000);
});
