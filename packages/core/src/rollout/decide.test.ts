import { describe, expect, it } from 'vitest';
import { newRolloutState } from './controls';
import { decide } from './decide';
import { currentStep } from './message';
import { allIntents, control, newDrive, runUntil, step } from './testing-agents';
import { node, observations, specOf, T0 } from './testing';

const fourNodes = () => observations(['a', 'b', 'c', 'd'].map((id) => node(id)));

function switchesOf(intents: ReturnType<typeof allIntents>) {
  return intents.flatMap((intent) =>
    intent.kind === 'switch' ? intent.nodeIds.map((id) => `${intent.stage}:${id}`) : [],
  );
}

describe('decide: a whole rollout', () => {
  it('goes password → ro_iam → rw_iam, each node switched exactly once per phase', () => {
    const drive = newDrive(specOf({ bakeSeconds: 10 }), fourNodes(), T0);
    const started = step(drive, { controls: [control('start', T0)] });
    expect(started.status).toBe('running');
    expect(started.intents).toEqual([
      { kind: 'start', by: 'alice', reason: 'start please' },
      { kind: 'phase_started', phase: 'ro_iam' },
      { kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['a'] },
    ]);
    expect(started.message).toMatch(/ro_iam \(read-only connections\) · canary: 0 of 4 nodes switched, 1 switching/);
    const done = runUntil(drive, ['completed', 'paused']);
    expect(done?.status).toBe('completed');
    const switches = switchesOf(allIntents(drive));
    expect(switches.sort()).toEqual(['a', 'b', 'c', 'd'].flatMap((id) => [`ro_iam:${id}`, `rw_iam:${id}`]).sort());
    expect(drive.observations.nodes.every((n) => n.stage === 'rw_iam')).toBe(true);
    expect(done?.message).toBe('Completed: 4 of 4 nodes switched to rw_iam.');
    expect(allIntents(drive).filter((intent) => intent.kind === 'complete')).toHaveLength(1);
  });

  it('is idempotent: the same inputs again issue no new switch', () => {
    const drive = newDrive(specOf(), fourNodes(), T0);
    const first = step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    const again = step(drive, { isAgentsIdle: true });
    expect(first.intents.some((intent) => intent.kind === 'switch')).toBe(true);
    expect(again.intents).toEqual([]);
    expect(again.state.nodes).toEqual(first.state.nodes);
  });
});

describe('decide: creation and restarts', () => {
  it('a rollout created with start (the default) runs from its first pass', () => {
    const spec = specOf();
    const state = newRolloutState(spec, { isStarted: true, by: 'bob', reason: 'go', atMs: T0 });
    expect(state.status).toBe('running');
    const decision = decide({ spec, state }, fourNodes(), T0 + 10);
    expect(decision.intents).toContainEqual({ kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['a'] });
    expect(newRolloutState(spec, { isStarted: false, by: 'bob', reason: 'later', atMs: T0 }).status).toBe('pending');
  });

  it('picks up where the persisted state left off: a switch in flight is neither repeated nor skipped', () => {
    const drive = newDrive(specOf({ bakeSeconds: 0 }), fourNodes(), T0);
    step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    // The reconciler dies here; a new one reads the same state and the unchanged nodes.
    drive.nowMs += 30_000;
    const restarted = step(drive, { isAgentsIdle: true });
    expect(restarted.intents).toEqual([]);
    expect(restarted.state.nodes.find((r) => r.nodeId === 'a')?.state).toBe('switching');
  });

  it('does not switch a stale node: it waits (after a human resumed past its gate)', () => {
    const nodes = fourNodes();
    const drive = newDrive(
      specOf(),
      { ...nodes, nodes: nodes.nodes.map((n) => (n.nodeId === 'a' ? { ...n, isStale: true } : n)) },
      T0,
    );
    const first = step(drive, { controls: [control('start', T0)] });
    expect(first.intents.filter((intent) => intent.kind === 'switch')).toEqual([]);
    drive.nowMs += 1000;
    expect(step(drive).state.pause?.reason).toBe('node a is stale');
    drive.nowMs += 1000;
    const resumed = step(drive, { controls: [control('resume', drive.nowMs, { reason: 'a is being replaced' })] });
    expect(resumed.status).toBe('running');
    expect(resumed.intents.filter((intent) => intent.kind === 'switch')).toEqual([]);
    expect(resumed.message).toMatch(/stale, not switched until they report: a/);
  });
});

describe('currentStep: where a rollout is, for the API', () => {
  it('names the step, its wave and a bake with its start and planned end; null once finished', () => {
    const drive = newDrive(specOf({ waveBakeSeconds: 30, finalBakeSeconds: 60 }), fourNodes(), T0);
    expect(currentStep(drive.rollout.spec, drive.rollout.state)).toBeNull();
    step(drive, { controls: [control('start', T0)] });
    expect(currentStep(drive.rollout.spec, drive.rollout.state)).toEqual({
      index: 0,
      phase: 'ro_iam',
      kind: 'canary',
      label: 'canary',
      waveIndex: 0,
      waveCount: 3,
      bakeStartedAtMs: null,
      bakeEndsAtMs: null,
    });
    drive.nowMs += 1000;
    step(drive);
    const bake = currentStep(drive.rollout.spec, drive.rollout.state);
    expect(bake).toMatchObject({ index: 1, kind: 'bake', label: 'bake after the canary', waveIndex: 0 });
    expect(bake?.bakeEndsAtMs).toBe((bake?.bakeStartedAtMs ?? 0) + 30_000);
    const seen = new Set<string>();
    for (let pass = 0; pass < 200 && drive.rollout.state.status === 'running'; pass += 1) {
      drive.nowMs += 5000;
      step(drive);
      const now = currentStep(drive.rollout.spec, drive.rollout.state);
      if (now !== null) seen.add(`${now.phase}:${now.kind}:${now.waveIndex}/${now.waveCount}`);
      if (now?.kind === 'final_bake' && now.phase === 'rw_iam')
        expect(now.bakeEndsAtMs).toBe((now.bakeStartedAtMs ?? 0) + 60_000);
    }
    expect(drive.rollout.state.status).toBe('completed');
    expect(currentStep(drive.rollout.spec, drive.rollout.state)).toBeNull();
    expect([...seen]).toEqual(
      expect.arrayContaining(['ro_iam:wave:2/3', 'ro_iam:final_bake:3/3', 'rw_iam:canary:0/3']),
    );
  });
});

describe('rollback of a mixed node (rw on IAM, ro on passwords)', () => {
  it.each<['completed' | 'paused', string]>([
    ['completed', 'after the rollout completed'],
    ['paused', 'from a pause mid-rollout'],
  ])('reverts it to rw_iam_ro_password, where it started: %s, %s', (status) => {
    const drive = newDrive(
      specOf({ bakeSeconds: 10, canary: 2, maxUnavailable: 2 }),
      observations([node('mixed', { stage: 'rw_iam_ro_password' }), node('plain')]),
      T0,
    );
    step(drive, { controls: [control('start', T0)] });
    const reached = runUntil(drive, status === 'completed' ? ['completed'] : ['running'], { maxPasses: 500 });
    expect(reached?.status).toBe(status === 'completed' ? 'completed' : 'running');
    if (status === 'paused') step(drive, { controls: [control('pause', drive.nowMs)] });
    expect(drive.observations.nodes.find((n) => n.nodeId === 'mixed')?.stage).toBe('rw_iam');
    const rollback = step(drive, { controls: [control('rollback', drive.nowMs)] });
    const done = rollback.status === 'rolled_back' ? rollback : runUntil(drive, ['rolled_back'], { maxPasses: 50 });
    expect(done?.status).toBe('rolled_back');
    const reverts = allIntents(drive).filter((intent) => intent.kind === 'revert');
    expect(reverts).toEqual(
      expect.arrayContaining([{ kind: 'revert', stage: 'rw_iam_ro_password', nodeIds: ['mixed'] }]),
    );
    const stages = Object.fromEntries(drive.observations.nodes.map((n) => [n.nodeId, n.stage]));
    expect(stages).toEqual({ mixed: 'rw_iam_ro_password', plain: 'password' });
    const mixedRecords = drive.rollout.state.nodes.filter((record) => record.nodeId === 'mixed');
    expect(mixedRecords.find((record) => record.direction === 'revert')).toMatchObject({
      state: 'reverted',
      toStage: 'rw_iam_ro_password',
    });
  });
});
