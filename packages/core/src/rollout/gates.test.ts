import { describe, expect, it } from 'vitest';
import type { AlarmObservation, NodeObservation, RolloutObservations } from './observations';
import { agentsApply, control, newDrive, runUntil, step, type Drive } from './testing-agents';
import { node, observations, specOf, T0 } from './testing';

const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

function runningDrive(body: Record<string, unknown> = {}, nodes = ids.map((id) => node(id))): Drive {
  const drive = newDrive(specOf({ bakeSeconds: 60, ...body }), observations(nodes), T0);
  step(drive, { controls: [control('start', T0)] });
  drive.nowMs += 1000;
  step(drive);
  return drive;
}

const alarm = (overrides: Partial<AlarmObservation> = {}): AlarmObservation => ({
  id: 'al-1',
  kind: 'db-rate-warning',
  databaseId: 'replica',
  openedAtMs: T0 + 1500,
  isAcknowledged: false,
  ...overrides,
});

function withNode(drive: Drive, nodeId: string, change: Partial<NodeObservation>): RolloutObservations {
  return {
    ...drive.observations,
    nodes: drive.observations.nodes.map((n) => (n.nodeId === nodeId ? { ...n, ...change } : n)),
  };
}

describe('gates pause a running rollout with the reason', () => {
  it.each<[string, (drive: Drive) => RolloutObservations, RegExp | null]>([
    [
      'an alarm opened during the rollout on a database in scope',
      (d) => ({ ...d.observations, alarms: [alarm()] }),
      /alarm db-rate-warning on database replica/,
    ],
    [
      'an alarm on a node in scope',
      (d) => ({ ...d.observations, alarms: [alarm({ databaseId: undefined, nodeId: 'b' })] }),
      /on node b/,
    ],
    [
      'an alarm opened before the rollout',
      (d) => ({ ...d.observations, alarms: [alarm({ openedAtMs: T0 - 1 })] }),
      null,
    ],
    [
      'an alarm on another database',
      (d) => ({ ...d.observations, alarms: [alarm({ databaseId: 'elsewhere' })] }),
      null,
    ],
    ['a stale node', (d) => withNode(d, 'c', { isStale: true }), /node c is stale/],
    [
      'a node failing authentication',
      (d) => withNode(d, 'a', { authFailuresInWindow: 3 }),
      /node a failed IAM authentication \(3 in the window\)/,
    ],
    [
      'an external alarm in ALARM',
      (d) => ({ ...d.observations, externalGates: [{ name: 'cw-5xx', state: 'ALARM', sinceMs: T0 }] }),
      /external alarm cw-5xx in ALARM/,
    ],
    [
      'an external alarm with INSUFFICIENT_DATA',
      (d) => ({ ...d.observations, externalGates: [{ name: 'cw', state: 'INSUFFICIENT_DATA', sinceMs: T0 }] }),
      null,
    ],
  ])('%s', (_name, change, reason) => {
    const drive = runningDrive();
    drive.observations = change(drive);
    drive.nowMs += 1000;
    const decision = step(drive);
    if (reason === null) {
      expect(decision.status).toBe('running');
      return;
    }
    expect(decision.status).toBe('paused');
    expect(decision.state.pause?.by).toBe('iamroll');
    expect(decision.state.pause?.reason).toMatch(reason);
    expect(decision.intents).toContainEqual(expect.objectContaining({ kind: 'pause', by: 'iamroll' }));
    expect(decision.message).toMatch(/^Paused at ro_iam · .* by iamroll: .*Resume with a reason to continue\.$/);
  });

  it('acknowledging does not resume; resume with a reason does, while the alarm stays open; a new alarm pauses again', () => {
    const drive = runningDrive();
    drive.observations = { ...drive.observations, alarms: [alarm()] };
    drive.nowMs += 1000;
    expect(step(drive).status).toBe('paused');
    drive.observations = { ...drive.observations, alarms: [alarm({ isAcknowledged: true })] };
    drive.nowMs += 1000;
    expect(step(drive).status).toBe('paused');
    drive.nowMs += 1000;
    const resumed = step(drive, {
      controls: [control('resume', drive.nowMs, { reason: 'replica is fine, rate is ours' })],
    });
    expect(resumed.status).toBe('running');
    expect(resumed.intents).toContainEqual({ kind: 'resume', by: 'alice', reason: 'replica is fine, rate is ours' });
    drive.nowMs += 1000;
    expect(step(drive).status).toBe('running');
    drive.observations = {
      ...drive.observations,
      alarms: [alarm({ isAcknowledged: true }), alarm({ id: 'al-2', openedAtMs: drive.nowMs })],
    };
    drive.nowMs += 1000;
    expect(step(drive).status).toBe('paused');
  });

  it('a gate that clears and fires again pauses again', () => {
    const drive = runningDrive();
    const stale = withNode(drive, 'a', { isStale: true });
    const fresh = drive.observations;
    drive.observations = stale;
    drive.nowMs += 1000;
    step(drive);
    drive.nowMs += 1000;
    step(drive, { controls: [control('resume', drive.nowMs)] });
    drive.observations = fresh;
    drive.nowMs += 1000;
    expect(step(drive).state.resumedGateKeys).toEqual([]);
    drive.observations = stale;
    drive.nowMs += 1000;
    expect(step(drive).status).toBe('paused');
  });

  it('pauses when the plan is edited while running; resume adopts the edit', () => {
    const drive = runningDrive();
    drive.rollout = { ...drive.rollout, spec: specOf({ bakeSeconds: 30 }) };
    drive.nowMs += 1000;
    const paused = step(drive);
    expect(paused.state.pause?.reason).toMatch(/plan was edited/);
    drive.nowMs += 1000;
    expect(step(drive, { controls: [control('resume', drive.nowMs)] }).status).toBe('running');
  });
});

describe('onAlarm: rollback_wave', () => {
  it('reverts the current wave, pauses, and a resume switches the wave again', () => {
    const drive = runningDrive({ onAlarm: 'rollback_wave', canary: 2, maxUnavailable: 2 });
    drive.nowMs += 1000;
    step(drive);
    drive.observations = { ...drive.observations, alarms: [alarm({ openedAtMs: drive.nowMs })] };
    drive.nowMs += 1000;
    const paused = step(drive);
    expect(paused.status).toBe('paused');
    expect(paused.state.pause?.reason).toMatch(/current wave is being rolled back/);
    expect(paused.intents).toContainEqual({ kind: 'revert', stage: 'password', nodeIds: ['a', 'b'] });
    drive.nowMs += 1000;
    const reverted = step(drive);
    expect(reverted.state.nodes.filter((r) => r.state === 'reverted').map((r) => r.nodeId)).toEqual(['a', 'b']);
    expect(drive.observations.nodes.every((n) => n.stage === 'password')).toBe(true);
    drive.nowMs += 3000;
    const resumed = step(drive, { controls: [control('resume', drive.nowMs, { reason: 'alarm was unrelated' })] });
    expect(resumed.intents).toContainEqual({ kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['a', 'b'] });
    expect(resumed.state.nodes.find((r) => r.nodeId === 'a')?.attempt).toBe(1);
  });
});

describe('onAlarm: rollback_wave with a switch still in flight', () => {
  it('reverts the in-flight node once it lands, and refuses resume until then', () => {
    const drive = newDrive(
      specOf({ onAlarm: 'rollback_wave', bakeSeconds: 60 }),
      observations(ids.map((id) => node(id))),
      T0,
    );
    const started = step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    drive.observations = { ...drive.observations, alarms: [alarm({ openedAtMs: T0 + 500 })] };
    drive.nowMs += 1000;
    const paused = step(drive, { isAgentsIdle: true });
    expect(paused.status).toBe('paused');
    expect(paused.intents.filter((intent) => intent.kind === 'revert')).toEqual([]);
    const early = step(drive, { controls: [control('resume', drive.nowMs)], isAgentsIdle: true });
    expect(early.controls[0]?.refusal).toMatch(/still reverting/);
    drive.observations = {
      ...drive.observations,
      nodes: agentsApply(drive.observations.nodes, started.intents, drive.nowMs),
    };
    drive.nowMs += 1000;
    expect(step(drive).intents).toEqual([{ kind: 'revert', stage: 'password', nodeIds: ['a'] }]);
  });
});

describe('failure limit', () => {
  it.each<[string, unknown, number, boolean]>([
    ['count 1: one failure continues', 1, 1, false],
    ['count 1: two failures pause', 1, 2, true],
    ['count 0: the first failure pauses', 0, 1, true],
    ['share 25% of 8 (2): two failures continue', { share: 0.25 }, 2, false],
    ['share 25% of 8 (2): three failures pause', '25%', 3, true],
  ])('%s', (_name, failureLimit, failures, isPaused) => {
    const failing = new Set(ids.slice(0, failures));
    const drive = newDrive(
      specOf({ failureLimit, bakeSeconds: 0, canary: 8, maxUnavailable: 8 }),
      observations(ids.map((id) => node(id))),
      T0,
    );
    step(drive, { controls: [control('start', T0)], script: { failing } });
    drive.nowMs += 1000;
    const decision = step(drive);
    expect(decision.intents.filter((i) => i.kind === 'node_failed')).toHaveLength(failures);
    expect(decision.state.nodes.filter((r) => r.state === 'failed')[0]?.reason).toBe(
      'switch to ro_iam failed: PAM authentication failed (its agent reverted it)',
    );
    expect(decision.status).toBe(isPaused ? 'paused' : 'running');
    if (isPaused)
      expect(decision.state.pause?.reason).toMatch(
        new RegExp(`${failures} failed switches in ro_iam, past the failure limit`),
      );
  });

  it('counts a switch never reported as failed and puts the desired stage back', () => {
    const drive = newDrive(specOf({ switchTimeoutSeconds: 60 }), observations([node('a'), node('b')]), T0);
    step(drive, { controls: [control('start', T0)], script: { silent: new Set(['a']) } });
    drive.nowMs += 61_000;
    const decision = step(drive);
    expect(decision.intents).toContainEqual({ kind: 'revert', stage: 'password', nodeIds: ['a'] });
    expect(decision.state.nodes[0]).toMatchObject({
      state: 'failed',
      reason: 'switch to ro_iam not reported within 60 s',
    });
  });

  it('a resume past the limit continues until one more failure', () => {
    const failing = new Set(['a', 'b', 'c']);
    const drive = newDrive(
      specOf({ bakeSeconds: 0, canary: 2, maxUnavailable: 2 }),
      observations(ids.map((id) => node(id))),
      T0,
    );
    step(drive, { controls: [control('start', T0)], script: { failing } });
    drive.nowMs += 1000;
    expect(step(drive, { script: { failing } }).status).toBe('paused');
    drive.nowMs += 1000;
    step(drive, { controls: [control('resume', drive.nowMs)], script: { failing } });
    const next = runUntil(drive, ['paused', 'completed'], { script: { failing } });
    expect(next?.state.pause?.reason).toMatch(/3 failed switches/);
  });
});
