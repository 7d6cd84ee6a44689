import type { RolloutView } from '@iamroll/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRolloutFleet } from '../../test/rollout-fleet';
import type { ScriptedNode } from '../../test/scripted-fleet';
import { eventually } from '../../test/test-app';

// The controls through HTTP with scripted agents: abort (nodes stay as they are), an alarm
// mid-wave with onAlarm = rollback_wave (only the current wave goes back), and the admin's
// override of read-only-before-read-write with promote and promote-all around it. Each
// test leaves the fleet on passwords, and no rollout active, for the next.

interface StreamedEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

describe('rollout controls over HTTP', () => {
  const fleet = useRolloutFleet({ nodeCount: 4 });
  const { t, nodes, get, control, until } = fleet;
  const streamed: StreamedEvent[] = [];
  let unsubscribe: (() => void) | undefined;
  beforeAll(() => {
    unsubscribe = t.app.events.subscribe((event) => streamed.push(event));
  });
  afterAll(() => unsubscribe?.());

  /** Nodes in the order the engine takes them (node id order). */
  const ordered = (): ScriptedNode[] => [...nodes].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  const createdId = async (body: Record<string, unknown>) => {
    const created = await fleet.create(body);
    expect(created.statusCode, created.body).toBe(201);
    return created.json<RolloutView>().id;
  };
  const controlEvents = (id: string) =>
    streamed.filter((event) => event.type === 'rollout.control' && event.data.rolloutId === id).map((e) => e.data);
  const rollBack = async (id: string) => {
    expect((await control(id, 'rollback', 'back to passwords for the next test')).statusCode).toBe(200);
    await until(id, ['rolled_back']);
    for (const node of nodes) expect(node.stage).toBe('password');
  };

  it('abort stops where it is: the canary stays switched, nothing else moves, the rollout holds no node', async () => {
    const id = await createdId({ reason: 'abort me in the bake', bakeSeconds: 3600 });
    await eventually(async () => (await get(id)).step?.kind === 'bake', 30_000, 100);
    const [canary, ...rest] = ordered();
    expect(canary!.stage).toBe('ro_iam');

    const aborted = await control(id, 'abort', 'the change window closed');
    expect(aborted.statusCode, aborted.body).toBe(200);
    const view = aborted.json<RolloutView>();
    expect(view.status).toBe('aborted');
    expect(view.step).toBeNull();
    expect(view.message).toMatch(/nodes stay as they are \(1 switched\)/);
    // Several reconciler passes later: the same stages, the same desired stages, nothing held.
    const revision = view.revision;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await get(id)).revision).toBe(revision);
    expect(canary!.applied).toEqual(['ro_iam']);
    for (const node of rest) expect(node.applied).toEqual([]);
    expect(t.app.fleet.registry.get(canary!.nodeId)?.desiredStage).toBe('ro_iam');
    expect(await t.app.prisma.rolloutNode.count({ where: { rolloutId: id, isHolding: true } })).toBe(0);
    const audit = await t.app.prisma.auditEvent.findMany({ where: { subjectId: id, action: 'rollout.abort' } });
    expect(audit).toMatchObject([{ actorType: 'user', reason: 'the change window closed' }]);
    await eventually(() => controlEvents(id).some((event) => event.control === 'abort'));
    expect(controlEvents(id).find((event) => event.control === 'abort')).toMatchObject({
      by: expect.stringMatching(/operator/),
      reason: 'the change window closed',
      status: 'aborted',
    });

    // Rollback is allowed from aborted: the canary goes back.
    await rollBack(id);
  }, 90_000);

  it('onAlarm = rollback_wave: an alarm mid-wave reverts the current wave only, then waits for a human', async () => {
    const [canary, first, slow, last] = ordered();
    // The wave is first, slow, last, one at a time: `slow` takes its time to apply.
    slow!.isHolding = true;
    const before = new Map(nodes.map((node) => [node.nodeId, node.applied.length]));
    const appliedSince = (node: ScriptedNode) => node.applied.slice(before.get(node.nodeId));
    const id = await createdId({
      reason: 'roll the wave back on alarm',
      onAlarm: 'rollback_wave',
      waves: [1],
      waveBakeSeconds: 1,
      finalBakeSeconds: 3600,
    });
    await eventually(
      async () => {
        const view = await get(id);
        const state = (nodeId: string) => view.nodes.find((node) => node.id === nodeId)?.state;
        return state(first!.nodeId) === 'switched' && state(slow!.nodeId) === 'switching';
      },
      30_000,
      100,
    );
    expect((await get(id)).step).toMatchObject({ phase: 'ro_iam', kind: 'wave', waveIndex: 1, waveCount: 1 });
    // A reconnect storm on the replica (canary and first are on read-only IAM): a rate alarm opens mid-wave.
    const storm = setInterval(() => {
      for (const node of nodes) node.attempts = (node.attempts ?? 0) + 40;
    }, 100);
    try {
      await until(id, ['paused'], 30_000);
    } finally {
      clearInterval(storm);
    }
    expect((await get(id)).pause?.reason).toMatch(/alarm .*the current wave is being rolled back/);
    // The slow node finishes its switch; the wave rollback then takes it back too.
    slow!.isHolding = false;
    await eventually(
      async () => {
        const view = await get(id);
        return [first, slow].every((node) => view.nodes.find((n) => n.id === node!.nodeId)?.state === 'reverted');
      },
      30_000,
      100,
    );
    const view = await get(id);
    expect(view.status).toBe('paused');
    expect(view.nodes.find((node) => node.id === canary!.nodeId)?.state).toBe('switched');
    expect(canary!.stage).toBe('ro_iam');
    expect(appliedSince(first!)).toEqual(['ro_iam', 'password']);
    expect(appliedSince(slow!)).toEqual(['ro_iam', 'password']);
    expect(appliedSince(last!)).toEqual([]);
    const reverts = await t.app.prisma.auditEvent.findMany({ where: { subjectId: id, action: 'rollout.revert' } });
    expect(reverts.map((entry) => (entry.data as { nodeId: string }).nodeId).sort()).toEqual(
      [first!.nodeId, slow!.nodeId].sort(),
    );
    await rollBack(id);
  }, 120_000);

  it('read-write waits for the read-only bake until an admin overrides it; promote and promote-all skip bakes', async () => {
    const before = new Map(nodes.map((node) => [node.nodeId, node.applied.length]));
    const appliedSince = (node: ScriptedNode) => node.applied.slice(before.get(node.nodeId));
    const id = await createdId({
      reason: 'read-only first, for an hour',
      canary: 4,
      maxUnavailable: 4,
      waveBakeSeconds: 0,
      finalBakeSeconds: 3600,
    });
    await eventually(async () => (await get(id)).step?.kind === 'final_bake', 30_000, 100);
    const baking = await get(id);
    expect(baking.step).toMatchObject({ phase: 'ro_iam', kind: 'final_bake', label: 'final bake' });
    expect(Date.parse(baking.step!.bakeEndsAt!) - Date.parse(baking.step!.bakeStartedAt!)).toBe(3_600_000);
    for (const node of nodes) expect(node.stage).toBe('ro_iam');

    // Promote skips the bake, but read-write still waits: no node has run read-only on IAM for an hour.
    const promoted = await control(id, 'promote', 'no need to watch the bake');
    expect(promoted.statusCode, promoted.body).toBe(200);
    await eventually(async () => /rw_iam waits for read-only on IAM/.test((await get(id)).message), 30_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const waiting = await get(id);
    expect(waiting.message).toMatch(/on ro IAM for .* of 60 min/);
    expect(waiting.phase).toBe('ro_iam');
    for (const node of nodes) expect(appliedSince(node)).toEqual(['ro_iam']);

    // Operators cannot override; admins can, with a reason.
    const asOperator = await control(id, 'override-ro-before-rw', 'I want it now');
    expect(asOperator.statusCode).toBe(403);
    const noReason = await control(id, 'override-ro-before-rw', '', fleet.admin);
    expect(noReason.statusCode).toBe(400);
    const overridden = await control(
      id,
      'override-ro-before-rw',
      'replica verified by hand; the bake is not needed',
      fleet.admin,
    );
    expect(overridden.statusCode, overridden.body).toBe(200);
    expect(overridden.json<RolloutView>().roBeforeRwOverride).toMatchObject({
      by: 'admin',
      reason: 'replica verified by hand; the bake is not needed',
    });
    expect((await control(id, 'override-ro-before-rw', 'twice?', fleet.admin)).statusCode).toBe(200);

    // Read-write starts only now, and reaches its own final bake: promote-all skips it.
    await eventually(
      async () => (await get(id)).step?.phase === 'rw_iam' && (await get(id)).step?.kind === 'final_bake',
      30_000,
      100,
    );
    for (const node of nodes) expect(appliedSince(node)).toEqual(['ro_iam', 'rw_iam']);
    expect((await control(id, 'promote-all', 'skip every remaining bake')).statusCode).toBe(200);
    const done = await until(id, ['completed']);
    expect(done.step).toBeNull();
    const notABake = await control(id, 'promote', 'nothing left');
    expect(notABake.statusCode).toBe(409);
    expect(notABake.json<{ error: { message: string } }>().error.message).toMatch(/completed/);
    // promote-all does not shorten the wait before finalize: the final bake's hour still runs.
    const early = await control(id, 'finalize', 'too soon');
    expect(early.statusCode).toBe(409);
    expect(early.json<{ error: { message: string } }>().error.message).toMatch(/final bake ends in \d+ s/);

    const audit = await t.app.prisma.auditEvent.findMany({ where: { subjectId: id }, orderBy: { id: 'asc' } });
    const override = audit.filter((entry) => entry.action === 'rollout.override-ro-before-rw');
    expect(override[0]).toMatchObject({
      actorName: 'admin',
      reason: 'replica verified by hand; the bake is not needed',
    });
    const actions = audit.map((entry) => entry.action);
    const firstRwSwitch = audit.findIndex(
      (entry) => entry.action === 'rollout.switch' && (entry.data as { phase: string }).phase === 'rw_iam',
    );
    expect(firstRwSwitch).toBeGreaterThan(actions.indexOf('rollout.override-ro-before-rw'));
    expect(actions).toEqual(expect.arrayContaining(['rollout.promote', 'rollout.promote-all']));
    await eventually(() => controlEvents(id).some((event) => event.control === 'override-ro-before-rw'));
    expect(controlEvents(id).find((event) => event.control === 'override-ro-before-rw')).toMatchObject({
      by: 'admin',
      reason: 'replica verified by hand; the bake is not needed',
    });
    await rollBack(id);
  }, 120_000);
});
