import { describe, expect, it } from 'vitest';
import type { RolloutObservations } from './observations';
import { nodeViews } from './state';
import { agentsApply, allIntents, control, newDrive, runUntil, step } from './testing-agents';
import { database, node, observations, specOf, T0 } from './testing';

describe('phases: skipped, blocked and mixed nodes', () => {
  const fleet = () =>
    observations([
      node('cp', { role: 'control_plane' }),
      node('dp', { role: 'data_plane' }),
      node('dbless', { isDatabaseOff: true }),
      node('no-ro', { hasReadOnlyConnection: false, roDatabaseId: null }),
      node('old', { kongVersion: '3.2.1' }),
      node('mixed', { stage: 'rw_iam_ro_password' }),
    ]);

  it('records each node per phase with its reason, and completes without the blocked one', () => {
    const drive = newDrive(specOf({ bakeSeconds: 0, canary: 3, maxUnavailable: 3 }), fleet(), T0);
    step(drive, { controls: [control('start', T0)] });
    const ro = drive.rollout.state.nodes.filter((record) => record.phase === 'ro_iam');
    expect(ro.map((r) => [r.nodeId, r.state, r.fromStage, r.toStage])).toEqual([
      ['cp', 'switching', 'password', 'ro_iam'],
      ['dbless', 'skipped', 'password', 'password'],
      ['dp', 'skipped', 'password', 'password'],
      ['mixed', 'switching', 'rw_iam_ro_password', 'rw_iam'],
      ['no-ro', 'skipped', 'password', 'password'],
      ['old', 'blocked', 'password', 'ro_iam'],
    ]);
    expect(ro.find((r) => r.nodeId === 'mixed')?.reason).toMatch(/mixed: rw on IAM, ro on passwords; moves forward/);
    // ro_iam waits for the blocked node unless overridden: the rule is every node in scope.
    const waiting = runUntil(drive, ['completed'], { maxPasses: 10 });
    expect(waiting).toBeUndefined();
    expect(drive.rollout.state.message).toMatch(
      /rw_iam waits for read-only on IAM: old read-only not on IAM \(blocked: Kong 3\.2\.1/,
    );
    drive.nowMs += 1000;
    step(drive, {
      controls: [control('override-ro-before-rw', drive.nowMs, { isAdmin: true, reason: 'old is retired next week' })],
    });
    expect(runUntil(drive, ['completed'])?.status).toBe('completed');
    const rw = drive.rollout.state.nodes.filter((record) => record.phase === 'rw_iam');
    expect(rw.map((r) => [r.nodeId, r.state])).toEqual([
      ['cp', 'switched'],
      ['dbless', 'skipped'],
      ['dp', 'skipped'],
      ['mixed', 'skipped'],
      ['no-ro', 'switched'],
      ['old', 'blocked'],
    ]);
    const stages = Object.fromEntries(drive.observations.nodes.map((n) => [n.nodeId, n.stage]));
    expect(stages).toEqual({
      cp: 'rw_iam',
      dp: 'password',
      dbless: 'password',
      'no-ro': 'rw_iam',
      old: 'password',
      mixed: 'rw_iam',
    });
    // The mixed node moved once, forward, never back to ro_iam.
    const mixedSwitches = allIntents(drive).filter((i) => i.kind === 'switch' && i.nodeIds.includes('mixed'));
    expect(mixedSwitches).toEqual([
      { kind: 'switch', phase: 'ro_iam', stage: 'rw_iam', nodeIds: expect.arrayContaining(['mixed']) },
    ]);
    const views = nodeViews(drive.rollout.state);
    expect(views.find((v) => v.nodeId === 'mixed')).toMatchObject({
      phase: 'ro_iam',
      state: 'switched',
      toStage: 'rw_iam',
    });
  });
});

describe('read-only before read-write', () => {
  const nodes = () => observations(['a', 'b'].map((id) => node(id)));

  it('rw_iam starts only once every node has run ro_iam for the final bake', () => {
    const drive = newDrive(
      specOf({ waveBakeSeconds: 0, finalBakeSeconds: 120, canary: 2, maxUnavailable: 2 }),
      nodes(),
      T0,
    );
    step(drive, { controls: [control('start', T0)] });
    // Promote past the ro final bake: the readiness rule still holds rw back.
    drive.nowMs += 1000;
    step(drive);
    drive.nowMs += 1000;
    const promoted = step(drive, { controls: [control('promote', drive.nowMs)] });
    expect(promoted.controls[0]?.isAccepted).toBe(true);
    expect(promoted.message).toMatch(
      /rw_iam waits for read-only on IAM: a on ro IAM for 2 s of 2 min; b on ro IAM for 2 s of 2 min/,
    );
    expect(promoted.intents.filter((i) => i.kind === 'switch')).toEqual([]);
    drive.nowMs = T0 + 119_000;
    expect(step(drive).intents.filter((i) => i.kind === 'switch')).toEqual([]);
    drive.nowMs = T0 + 120_000;
    const started = step(drive);
    expect(started.intents).toContainEqual({ kind: 'phase_started', phase: 'rw_iam' });
    expect(started.intents).toContainEqual({ kind: 'switch', phase: 'rw_iam', stage: 'rw_iam', nodeIds: ['a', 'b'] });
  });

  /** ro_iam under way, `trouble` reported (the rollout pauses), a resume, then the pass after the final bake. */
  const passAfterResume = (trouble: (seen: RolloutObservations, nowMs: number) => RolloutObservations) => {
    const drive = newDrive(
      specOf({ waveBakeSeconds: 0, finalBakeSeconds: 5, canary: 2, maxUnavailable: 2 }),
      nodes(),
      T0,
    );
    step(drive, { controls: [control('start', T0)] });
    drive.nowMs += 1000;
    step(drive);
    drive.observations = trouble(drive.observations, drive.nowMs);
    drive.nowMs += 1000;
    expect(step(drive).status).toBe('paused');
    drive.nowMs += 1000;
    expect(step(drive, { controls: [control('resume', drive.nowMs)] }).status).toBe('running');
    drive.nowMs = T0 + 7000;
    return step(drive);
  };

  it('a node failing authentication on ro IAM holds rw_iam back, even after a resume', () => {
    const waiting = passAfterResume((seen) => ({
      ...seen,
      nodes: seen.nodes.map((n) => (n.nodeId === 'b' ? { ...n, authFailuresInWindow: 1 } : n)),
    }));
    expect(waiting.message).toMatch(/rw_iam waits for read-only on IAM: b failing IAM authentication/);
    expect(waiting.intents).toEqual([]);
  });

  it("a node's open alarm holds rw_iam back after a resume, named with the node's first alarm", () => {
    const waiting = passAfterResume((seen, openedAtMs) => ({
      ...seen,
      alarms: [
        { id: 'x1', kind: 'database_rate', databaseId: 'other', openedAtMs, isAcknowledged: false },
        { id: 'b1', kind: 'node_auth_failures', nodeId: 'b', openedAtMs, isAcknowledged: false },
        { id: 'b2', kind: 'node_stale', nodeId: 'b', openedAtMs, isAcknowledged: false },
      ],
    }));
    expect(waiting.message).toMatch(/rw_iam waits for read-only on IAM: b has alarm node_auth_failures open/);
    expect(waiting.message).not.toMatch(/\ba has alarm/);
    expect(waiting.intents).toEqual([]);
  });

  it('an admin override with a reason lets rw_iam start at once', () => {
    const drive = newDrive(
      specOf({ finalBakeSeconds: 3600, waveBakeSeconds: 0, canary: 2, maxUnavailable: 2 }),
      nodes(),
      T0,
    );
    step(drive, { controls: [control('start', T0)] });
    drive.nowMs += 1000;
    step(drive);
    drive.nowMs += 1000;
    const decision = step(drive, {
      controls: [
        control('override-ro-before-rw', drive.nowMs, { isAdmin: true, reason: 'change window closes' }),
        control('promote', drive.nowMs),
      ],
    });
    expect(decision.state.roBeforeRwOverride).toEqual({
      by: 'alice',
      reason: 'change window closes',
      atMs: drive.nowMs,
    });
    expect(decision.intents).toContainEqual({ kind: 'phase_started', phase: 'rw_iam' });
  });
});

describe('rollback', () => {
  it('returns every node to its stage before the rollout, one restart each, paced by maxUnavailable', () => {
    const ids = ['a', 'b', 'c'];
    const drive = newDrive(
      specOf({ bakeSeconds: 0 }),
      observations([...ids.map((id) => node(id)), node('pre', { stage: 'ro_iam' })]),
      T0,
    );
    step(drive, { controls: [control('start', T0)] });
    expect(runUntil(drive, ['completed'])?.status).toBe('completed');
    drive.nowMs += 1000;
    const first = step(drive, { controls: [control('rollback', drive.nowMs, { reason: 'auditors said no' })] });
    expect(first.status).toBe('rolling_back');
    expect(first.intents).toEqual([
      { kind: 'rollback', by: 'alice', reason: 'auditors said no' },
      { kind: 'revert', stage: 'password', nodeIds: ['a'] },
    ]);
    const done = runUntil(drive, ['rolled_back']);
    expect(done?.message).toBe('Rolled back: 4 of 4 nodes back to their previous stage.');
    const reverts = allIntents(drive).filter((intent) => intent.kind === 'revert');
    expect(reverts).toEqual([
      { kind: 'revert', stage: 'password', nodeIds: ['a'] },
      { kind: 'revert', stage: 'password', nodeIds: ['b'] },
      { kind: 'revert', stage: 'password', nodeIds: ['c'] },
      { kind: 'revert', stage: 'ro_iam', nodeIds: ['pre'] },
    ]);
    const stages = Object.fromEntries(drive.observations.nodes.map((n) => [n.nodeId, n.stage]));
    expect(stages).toEqual({ a: 'password', b: 'password', c: 'password', pre: 'ro_iam' });
  });

  it('paces reverts that still use IAM: rw_iam → ro_iam reconnects the replica with tokens', () => {
    const busy = ['a', 'b'].map((id) => node(id, { stage: 'ro_iam', workerCount: 4, poolSize: { rw: 10, ro: 10 } }));
    const spec = specOf({
      phases: ['rw_iam'],
      bakeSeconds: 60,
      onAlarm: 'rollback_wave',
      canary: 2,
      maxUnavailable: 2,
    });
    const drive = newDrive(
      spec,
      observations(busy, { databases: [database('primary'), database('replica', { ratePerSecond: 10 })] }),
      T0,
    );
    const first = step(drive, { controls: [control('start', T0)] });
    expect(first.intents).toContainEqual({ kind: 'switch', phase: 'rw_iam', stage: 'rw_iam', nodeIds: ['a', 'b'] });
    drive.nowMs += 5000;
    drive.observations = {
      ...drive.observations,
      databases: [database('primary'), database('replica', { ratePerSecond: 50 })],
      alarms: [
        { id: 'x', kind: 'db-rate-warning', databaseId: 'replica', openedAtMs: drive.nowMs, isAcknowledged: false },
      ],
    };
    const paused = step(drive);
    expect(paused.intents.filter((i) => i.kind === 'revert')).toEqual([
      { kind: 'revert', stage: 'ro_iam', nodeIds: ['a'] },
    ]);
    expect(paused.message).toMatch(/reverting 2 node\(s\) of the wave/);
    drive.nowMs += 3000;
    expect(step(drive).intents.filter((i) => i.kind === 'revert')).toEqual([
      { kind: 'revert', stage: 'ro_iam', nodeIds: ['b'] },
    ]);
  });

  it('from running with a switch in flight: waits for it to land, then reverts it', () => {
    const drive = newDrive(specOf(), observations([node('a'), node('b')]), T0);
    const started = step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    drive.nowMs += 1000;
    const rollback = step(drive, { controls: [control('rollback', drive.nowMs)], isAgentsIdle: true });
    expect(rollback.status).toBe('rolling_back');
    expect(rollback.intents.filter((intent) => intent.kind === 'revert')).toEqual([]);
    // The agent applies the switch it had already picked up, and reports.
    drive.observations = {
      ...drive.observations,
      nodes: agentsApply(drive.observations.nodes, started.intents, drive.nowMs),
    };
    drive.nowMs += 1000;
    expect(step(drive).intents).toEqual([{ kind: 'revert', stage: 'password', nodeIds: ['a'] }]);
    expect(runUntil(drive, ['rolled_back'])?.message).toBe('Rolled back: 1 of 1 nodes back to their previous stage.');
    expect(drive.observations.nodes.map((n) => n.stage)).toEqual(['password', 'password']);
  });
});
