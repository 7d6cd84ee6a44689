import { describe, expect, it } from 'vitest';
import { useRolloutFleet } from '../../test/rollout-fleet';

// A node that started mixed (read-write on IAM, read-only on passwords: where Kong's docs
// lead) moves forward once, to rw_iam, and a rollback puts it back where it started: the
// reply says `desiredStage: "rw_iam"` with `restore: "original"`, its agent restores the
// backup it took before its first switch, and the revert settles on the mixed stage.

describe('rollback of a node that started mixed', () => {
  // Held until the rollout asks it to move. Enrolled mixed, it is first asked to stay as it is
  // (`rw_iam` with `restore: "original"`, its agent having no backup yet); the rollout's switch
  // then asks `rw_iam` alone.
  const fleet = useRolloutFleet({
    nodeCount: 2,
    node: (index) => (index === 0 ? { stage: 'rw_iam_ro_password', isHolding: true } : {}),
  });
  const { t, nodes, get, control, until } = fleet;

  it('moves it forward to rw_iam once, and rolls it back to its original configuration', async () => {
    const [mixed, plain] = nodes;
    await expect.poll(() => t.app.fleet.registry.get(mixed!.nodeId)?.report?.roAuthMode).toBe('password');
    const created = await fleet.create({ reason: 'mixed node too', bakeSeconds: 0 });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect(t.app.fleet.registry.get(mixed!.nodeId)).toMatchObject({ desiredStage: 'rw_iam', restore: 'original' });
    await expect.poll(() => t.app.fleet.registry.get(mixed!.nodeId)?.restore, { timeout: 30_000 }).toBeNull();
    expect(t.app.fleet.registry.get(mixed!.nodeId)?.desiredStage).toBe('rw_iam');
    mixed!.isHolding = false;
    const done = await until(id, ['completed']);
    expect(done.nodes.find((node) => node.id === mixed!.nodeId)).toMatchObject({
      phase: 'ro_iam',
      state: 'switched',
      fromStage: 'rw_iam_ro_password',
      toStage: 'rw_iam',
    });
    expect(mixed!.applied).toEqual(['rw_iam']);
    expect(plain!.applied).toEqual(['ro_iam', 'rw_iam']);

    expect((await control(id, 'rollback', 'back where each started')).statusCode).toBe(200);
    const rolledBack = await until(id, ['rolled_back']);
    const view = rolledBack.nodes.find((node) => node.id === mixed!.nodeId);
    expect(view).toMatchObject({ state: 'reverted', toStage: 'rw_iam_ro_password' });
    expect(mixed!.stage).toBe('rw_iam_ro_password');
    expect(mixed!.applied).toEqual(['rw_iam', 'rw_iam_ro_password']);
    expect(plain!.stage).toBe('password');
    const entry = t.app.fleet.registry.get(mixed!.nodeId);
    expect(entry).toMatchObject({ desiredStage: 'rw_iam', restore: 'original' });
    const reverts = await t.app.prisma.auditEvent.findMany({ where: { subjectId: id, action: 'rollout.revert' } });
    expect(reverts.find((e) => (e.data as { nodeId: string }).nodeId === mixed!.nodeId)?.data).toMatchObject({
      stage: 'rw_iam_ro_password',
    });
    // Persisted, so every API process (and a restart) sends the same reply.
    const row = await t.app.prisma.node.findUnique({ where: { id: mixed!.nodeId } });
    expect(row).toMatchObject({ desiredStage: 'rw_iam', restore: 'original' });
    expect((await get(id)).nodes.every((node) => node.state === 'reverted')).toBe(true);
  }, 90_000);
});
