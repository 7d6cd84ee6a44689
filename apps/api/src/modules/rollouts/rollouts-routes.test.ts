import type { RolloutPreview, RolloutView } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { useRolloutFleet } from '../../test/rollout-fleet';
import type { ScriptedNode } from '../../test/scripted-fleet';
import { eventually } from '../../test/test-app';

describe('rollouts with scripted agents', () => {
  const fleet = useRolloutFleet({ nodeCount: 10 });
  const { t, nodes, get, control } = fleet;

  it('previews waves, peaks against budgets and duration with no side effects; 400 names the field; viewers cannot act', async () => {
    const preview = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts/preview',
      headers: fleet.operator.headers,
      payload: { scope: { databaseId: fleet.primaryId }, reason: 'look first' },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const body = preview.json<RolloutPreview>();
    expect(body.phases.map((p) => p.phase)).toEqual(['ro_iam', 'rw_iam']);
    const ro = body.phases[0]!;
    expect(ro.waves.map((w) => w.label)).toHaveLength(4);
    expect(ro.waves.flatMap((w) => w.nodeIds).sort()).toEqual(nodes.map((n) => n.nodeId).sort());
    expect(ro.skipped).toEqual([]);
    expect(ro.blocked).toEqual([]);
    const primary = body.databases.find((d) => d.databaseId === fleet.primaryId)!;
    expect(primary).toMatchObject({ budgetPerSecond: 200, targetPerSecond: 100, isOverTarget: false });
    expect(primary.projectedPeakPerSecond).toBeGreaterThan(0);
    expect(body.expectedDurationSeconds).toBeGreaterThan(0);
    expect(await t.app.prisma.rollout.count()).toBe(0);

    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts',
      headers: fleet.operator.headers,
      payload: { scope: { databaseId: fleet.primaryId }, reason: 'bad', targetUtilisation: 2, onAlarm: 'panic' },
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json<{ error: { fields: { path: string }[] } }>().error.fields.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['body.targetUtilisation', 'body.onAlarm']));
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts/preview',
      headers: fleet.operator.headers,
      payload: { scope: { databaseId: '00000000-0000-4000-8000-000000000000' }, reason: 'x' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields[0].path).toBe('body.scope.databaseId');

    const viewer = await t.sessionAs('viewer');
    const asViewer = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts',
      headers: viewer.headers,
      payload: { scope: { databaseId: fleet.primaryId }, reason: 'not mine to do' },
    });
    expect(asViewer.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/rollouts', headers: viewer.headers })).statusCode).toBe(
      200,
    );
  });

  it('moves 10 nodes password → ro_iam → rw_iam, then rolls every one back to passwords, all in the audit log', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts',
      headers: fleet.operator.headers,
      payload: { scope: { databaseId: fleet.primaryId }, reason: 'move kong to IAM', bakeSeconds: 0 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json<RolloutView>();
    await eventually(async () => (await get(id)).status === 'completed', 60_000, 100);
    const done = await get(id);
    expect(done.phase).toBe('rw_iam');
    expect(done.step).toBeNull();
    expect(done.nodes).toHaveLength(10);
    for (const node of done.nodes) expect(node).toMatchObject({ state: 'switched', toStage: 'rw_iam', reason: null });
    for (const node of nodes) expect(node.applied).toEqual(['ro_iam', 'rw_iam']);
    await eventually(async () => {
      const list = (await t.app.inject({ method: 'GET', url: '/api/v1/nodes', headers: fleet.operator.headers })).json<{
        items: { stage: string }[];
      }>();
      return list.items.length === 10 && list.items.every((node) => node.stage === 'rw_iam');
    });

    expect((await control(id, 'rollback')).statusCode).toBe(200);
    await eventually(async () => (await get(id)).status === 'rolled_back', 60_000, 100);
    for (const node of nodes) expect(node.stage).toBe('password');

    const audit = await t.app.prisma.auditEvent.findMany({ where: { subjectId: id }, orderBy: { id: 'asc' } });
    const actions = audit.map((entry) => entry.action);
    expect(actions[0]).toBe('rollout.create');
    const switches = audit.filter((entry) => entry.action === 'rollout.switch');
    expect(switches).toHaveLength(20);
    for (const node of nodes)
      for (const phase of ['ro_iam', 'rw_iam'])
        expect(
          switches.filter(
            (e) =>
              (e.data as { nodeId: string; phase: string }).nodeId === node.nodeId &&
              (e.data as { phase: string }).phase === phase,
          ),
        ).toHaveLength(1);
    expect(actions).toContain('rollout.phase_started');
    expect(actions).toContain('rollout.complete');
    expect(actions).toContain('rollout.rollback');
    expect(actions.filter((a) => a === 'rollout.revert').length).toBeGreaterThanOrEqual(10);
    expect(actions.at(-1)).toBe('rollout.rolled_back');
  }, 120_000);

  it('pauses for an alarm opened mid-wave; resume with a reason continues it to completion', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts',
      headers: fleet.operator.headers,
      payload: { scope: { databaseId: fleet.primaryId }, reason: 'again, with an alarm', bakeSeconds: 1 },
    });
    const { id } = created.json<RolloutView>();
    await eventually(async () => (await get(id)).nodes.some((n) => n.state === 'switched'), 30_000);
    // A reconnect storm on the replica (read-only is on IAM for the canary): the alarm evaluator opens a rate alarm.
    const storm = setInterval(() => {
      for (const node of nodes) node.attempts = (node.attempts ?? 0) + 40;
    }, 100);
    try {
      await eventually(async () => (await get(id)).status === 'paused', 30_000, 100);
    } finally {
      clearInterval(storm);
    }
    const paused = await get(id);
    expect(paused.pause?.by).toBe('iamroll');
    // Where it stopped: the current step, with its phase and wave.
    expect(paused.step).toMatchObject({ phase: expect.stringMatching(/^r[ow]_iam$/), waveCount: 3 });
    expect(paused.pause?.reason).toMatch(/alarm/);
    expect(paused.message).toMatch(/alarm/i);
    expect((await control(id, 'resume', '')).statusCode).toBe(400);
    const resumed = await control(id, 'resume', 'storm was the test; replica is fine');
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json<RolloutView>().status).toBe('running');
    await eventually(async () => (await get(id)).status === 'completed', 60_000, 100);
    const audit = await t.app.prisma.auditEvent.findMany({ where: { subjectId: id, action: 'rollout.resume' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'user', reason: 'storm was the test; replica is fine' });
    const again = await control(id, 'resume', 'twice');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/completed/);

    // Webhook notifications for both rollouts, in the outbox, retried with backoff.
    const outbox = await t.app.prisma.webhookOutbox.findMany({ orderBy: { id: 'asc' } });
    const events = outbox.map((row) => row.event);
    for (const event of ['rollout.completed', 'rollout.rollback', 'rollout.rolled_back', 'rollout.paused'])
      expect(events).toContain(event);
    expect(outbox.every((row) => row.deliveredAt === null)).toBe(true);
    await eventually(
      async () => ((await t.app.prisma.webhookOutbox.findFirst({ orderBy: { id: 'asc' } }))?.attempts ?? 0) >= 1,
    );
    const pausedRow = outbox.find((row) => row.event === 'rollout.paused')!;
    expect(pausedRow.payload).toMatchObject({ event: 'rollout.paused', rolloutId: id, by: 'iamroll' });
  }, 120_000);

  it('finalizes in two steps (passwords removed, then backups released) and gives a node that joins later the database stage', async () => {
    const { items } = (
      await t.app.inject({ method: 'GET', url: '/api/v1/rollouts?status=completed', headers: fleet.operator.headers })
    ).json<{ items: { id: string }[] }>();
    const id = items[0]!.id;
    const first = await control(id, 'finalize', 'remove the passwords as Kong asks');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<RolloutView>().finalizedAt).not.toBeNull();
    // The heartbeat reply carries `finalize: "remove-passwords"` to every switched node…
    await eventually(() => nodes.every((node) => node.finalize === 'remove-passwords'));
    // …the agents apply it and say so in their next heartbeat (`transition.isPasswordRemoved`).
    await eventually(() =>
      nodes.every((node) => t.app.fleet.registry.get(node.nodeId)?.agent?.transition?.isPasswordRemoved === true),
    );
    const second = await control(id, 'finalize', 'no way back needed: delete the backups');
    expect(second.statusCode, second.body).toBe(200);
    await eventually(() => nodes.every((node) => node.finalize === 'finalized'));
    const rollback = await control(id, 'rollback', 'too late');
    expect(rollback.statusCode).toBe(409);
    expect(rollback.json().error.message).toMatch(/backups/);

    // Three nodes join at once: each follows the database's stage, one restart at a time (maxUnavailable 1).
    const late: ScriptedNode[] = [];
    for (const name of ['kong-late-1', 'kong-late-2', 'kong-late-3']) late.push(await fleet.enroll(name));
    let mostAtOnce = 0;
    const sampler = setInterval(() => {
      const moving = late.filter((node) => {
        const entry = t.app.fleet.registry.get(node.nodeId);
        return entry?.desiredStage === 'rw_iam' && entry.report?.stage !== 'rw_iam';
      });
      mostAtOnce = Math.max(mostAtOnce, moving.length);
    }, 10);
    try {
      await eventually(() => late.every((node) => node.stage === 'rw_iam'), 60_000);
    } finally {
      clearInterval(sampler);
    }
    expect(mostAtOnce).toBe(1);
    for (const node of late) {
      expect(node.applied).toEqual(['rw_iam']);
      const audit = await t.app.prisma.auditEvent.findMany({
        where: { subjectId: node.nodeId, action: 'node.desired_stage' },
      });
      expect(audit).toHaveLength(1);
      expect(audit[0]!.reason).toContain(id);
      expect(audit[0]!.reason).toContain('paced');
    }
  }, 60_000);
});
