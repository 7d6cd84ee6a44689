import { describe, expect, it } from 'vitest';
import { useRolloutFleet } from '../../test/rollout-fleet';
import { eventually } from '../../test/test-app';

// Read-write waits until every node in scope ran read-only on IAM for the ro_iam final bake,
// nodes the rollout did not switch included: a node another rollout put on ro_iam just before
// counts from when it got there (its audited `node.report` change: PostgreSQL, not memory),
// not from "an unknown time" forever, and not from before it got there.

const BAKE_SECONDS = 6;

describe('read-only before read-write, for a node already on ro_iam', () => {
  const fleet = useRolloutFleet({ nodeCount: 2 });
  const { t, nodes, get, control, until } = fleet;

  it('starts rw_iam only once the node another rollout switched has been on ro IAM for the bake time', async () => {
    const [ahead, other] = nodes;
    // An earlier rollout moved one node's read-only connection to IAM (read-only only).
    const earlier = await fleet.create({
      scope: { nodeIds: [ahead!.nodeId] },
      phases: ['ro_iam'],
      bakeSeconds: 0,
      reason: 'one node first',
    });
    expect(earlier.statusCode, earlier.body).toBe(201);
    await until(earlier.json<{ id: string }>().id, ['completed']);
    const change = () =>
      t.app.prisma.auditEvent.findFirst({
        where: { subjectId: ahead!.nodeId, action: 'node.report' },
        orderBy: { at: 'desc' },
      });
    // Its agent's report of the new stage is audited: that entry is what stageSinceMs reads.
    await eventually(async () => JSON.stringify((await change())?.data ?? {}).includes('"stage":{"to":"ro_iam"'));
    const reachedRoAt = (await change())!.at.getTime();

    const created = await fleet.create({
      reason: 'one node is ahead',
      waveBakeSeconds: 0,
      finalBakeSeconds: BAKE_SECONDS,
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json<{ id: string }>();
    await eventually(async () => (await get(id)).step?.kind === 'final_bake', 30_000, 100);
    const ro = await get(id);
    expect(ro.nodes.find((node) => node.id === ahead!.nodeId)).toMatchObject({
      state: 'skipped',
      reason: 'already on ro_iam',
    });
    expect(other!.stage).toBe('ro_iam');
    // Skip the bake step: readiness itself must hold rw_iam back until both nodes baked.
    expect((await control(id, 'promote', 'let readiness decide')).statusCode).toBe(200);
    await eventually(async () => /rw_iam waits for read-only on IAM/.test((await get(id)).message), 30_000, 100);
    const waiting = (await get(id)).message;
    expect(waiting).toContain(`${ahead!.nodeId} on ro IAM for`);
    expect(waiting).not.toMatch(/since an unknown time/);

    await until(id, ['completed'], 60_000);
    const firstRwSwitch = await t.app.prisma.auditEvent.findFirst({
      where: { subjectId: id, action: 'rollout.switch', data: { path: ['phase'], equals: 'rw_iam' } },
      orderBy: { at: 'asc' },
    });
    expect(firstRwSwitch!.at.getTime() - reachedRoAt).toBeGreaterThanOrEqual(BAKE_SECONDS * 1000);
    for (const node of nodes) expect(node.stage).toBe('rw_iam');
  }, 90_000);
});
