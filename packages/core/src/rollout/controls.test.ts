import { describe, expect, it } from 'vitest';
import { decide } from './decide';
import type { ControlKind } from './observations';
import { control, newDrive, runUntil, step, type Drive } from './testing-agents';
import { node, observations, specOf, T0 } from './testing';
import type { RolloutStatusName } from './types';

// Every control from every status: accepted (and where it leads) or refused with a reason.

function driveIn(status: RolloutStatusName): Drive {
  const drive = newDrive(specOf({ bakeSeconds: 0 }), observations([node('a'), node('b')]), T0);
  if (status === 'pending') return drive;
  step(drive, { controls: [control('start', T0)] });
  if (status === 'running') return drive;
  if (status === 'paused') {
    step(drive, { controls: [control('pause', T0)] });
    return drive;
  }
  if (status === 'aborted') {
    step(drive, { controls: [control('abort', T0)] });
    return drive;
  }
  runUntil(drive, ['completed']);
  if (status === 'completed') return drive;
  // Agents idle: the rollback's first revert stays in flight.
  step(drive, { controls: [control('rollback', drive.nowMs)], isAgentsIdle: true });
  if (status === 'rolling_back') return drive;
  runUntil(drive, ['rolled_back']);
  return drive;
}

type Row = [RolloutStatusName, ControlKind, RolloutStatusName | null];

// null: refused (the status stays as it was).
const TABLE: Row[] = [
  ['pending', 'start', 'running'],
  ['pending', 'pause', null],
  ['pending', 'resume', null],
  ['pending', 'promote', null],
  ['pending', 'promote-all', null],
  ['pending', 'abort', 'aborted'],
  ['pending', 'rollback', null],
  ['pending', 'finalize', null],
  ['pending', 'override-ro-before-rw', 'pending'],
  ['running', 'start', null],
  ['running', 'pause', 'paused'],
  ['running', 'resume', null],
  ['running', 'promote', null],
  ['running', 'promote-all', 'running'],
  ['running', 'abort', 'aborted'],
  ['running', 'rollback', 'rolling_back'],
  ['running', 'finalize', null],
  ['running', 'override-ro-before-rw', 'running'],
  ['paused', 'start', null],
  ['paused', 'pause', null],
  ['paused', 'resume', 'running'],
  ['paused', 'promote', null],
  ['paused', 'promote-all', 'paused'],
  ['paused', 'abort', 'aborted'],
  ['paused', 'rollback', 'rolling_back'],
  ['paused', 'finalize', null],
  ['paused', 'override-ro-before-rw', 'paused'],
  ['completed', 'start', null],
  ['completed', 'pause', null],
  ['completed', 'resume', null],
  ['completed', 'promote', null],
  ['completed', 'promote-all', null],
  ['completed', 'abort', null],
  ['completed', 'rollback', 'rolling_back'],
  ['completed', 'finalize', 'completed'],
  ['completed', 'override-ro-before-rw', null],
  ['aborted', 'start', null],
  ['aborted', 'pause', null],
  ['aborted', 'resume', null],
  ['aborted', 'promote', null],
  ['aborted', 'promote-all', null],
  ['aborted', 'abort', null],
  ['aborted', 'rollback', 'rolling_back'],
  ['aborted', 'finalize', null],
  ['aborted', 'override-ro-before-rw', null],
  ['rolling_back', 'start', null],
  ['rolling_back', 'pause', null],
  ['rolling_back', 'resume', null],
  ['rolling_back', 'promote', null],
  ['rolling_back', 'promote-all', null],
  ['rolling_back', 'abort', 'aborted'],
  ['rolling_back', 'rollback', null],
  ['rolling_back', 'finalize', null],
  ['rolling_back', 'override-ro-before-rw', null],
  ['rolled_back', 'start', null],
  ['rolled_back', 'pause', null],
  ['rolled_back', 'resume', null],
  ['rolled_back', 'promote', null],
  ['rolled_back', 'promote-all', null],
  ['rolled_back', 'abort', null],
  ['rolled_back', 'rollback', null],
  ['rolled_back', 'finalize', null],
  ['rolled_back', 'override-ro-before-rw', null],
];

describe('controls from every status', () => {
  it('covers all 7 statuses × 9 controls', () => expect(TABLE).toHaveLength(63));

  it.each(TABLE)('%s + %s → %s', (status, kind, expected) => {
    const drive = driveIn(status);
    expect(drive.rollout.state.status).toBe(status);
    const request = control(kind, drive.nowMs, { isAdmin: true });
    const decision = decide(drive.rollout, { ...drive.observations, controls: [request] }, drive.nowMs);
    const [outcome] = decision.controls;
    expect(outcome?.isAccepted).toBe(expected !== null);
    if (expected === null) {
      expect(outcome?.refusal).toMatch(/.+/);
      expect(decision.status).toBe(status);
    } else {
      expect(outcome?.refusal).toBeNull();
      expect(decision.status).toBe(expected);
    }
  });
});

describe('control details', () => {
  it('promote skips the current bake only', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => node(id));
    const drive = newDrive(specOf({ bakeSeconds: 300 }), observations(nodes), T0);
    step(drive, { controls: [control('start', T0)] });
    drive.nowMs += 1000;
    const baking = step(drive);
    expect(baking.message).toMatch(/bake after the canary: 1 of 8 nodes switched; baking 0 s of 5 min/);
    drive.nowMs += 1000;
    const promoted = step(drive, { controls: [control('promote', drive.nowMs)] });
    expect(promoted.controls[0]?.isAccepted).toBe(true);
    expect(promoted.message).toMatch(/wave 1 of 3 \(25%\)/);
    expect(promoted.intents).toContainEqual({ kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['b'] });
  });

  it('refuses promote during a wave, naming why', () => {
    const drive = newDrive(specOf(), observations([node('a')]), T0);
    const decision = step(drive, { controls: [control('start', T0), control('promote', T0)], isAgentsIdle: true });
    expect(decision.controls[1]?.refusal).toBe('nothing to promote: canary step in progress, not a bake');
  });

  it('refuses resume without a reason and an override from a non-admin', () => {
    const drive = driveIn('paused');
    const decision = decide(
      drive.rollout,
      {
        ...drive.observations,
        controls: [
          control('resume', drive.nowMs, { reason: '  ' }),
          control('override-ro-before-rw', drive.nowMs, { isAdmin: false }),
        ],
      },
      drive.nowMs,
    );
    expect(decision.controls.map((outcome) => outcome.refusal)).toEqual([
      'resume needs a written reason',
      'only an admin may override read-only-before-read-write',
    ]);
  });

  it('abort leaves nodes as they are and says who', () => {
    const drive = driveIn('running');
    const decision = step(drive, { controls: [control('abort', drive.nowMs, { reason: 'maintenance window over' })] });
    expect(decision.intents.filter((intent) => intent.kind === 'switch' || intent.kind === 'revert')).toEqual([]);
    expect(decision.message).toMatch(/^Aborted by alice: maintenance window over; nodes stay as they are/);
  });

  it('promote-all skips every remaining bake, but finalize still waits for the final bake', () => {
    const drive = newDrive(specOf({ bakeSeconds: 300, phases: ['ro_iam'] }), observations([node('a'), node('b')]), T0);
    step(drive, { controls: [control('start', T0), control('promote-all', T0)] });
    const done = runUntil(drive, ['completed'], { maxPasses: 20 });
    expect(done?.status).toBe('completed');
    const early = decide(
      drive.rollout,
      { ...drive.observations, controls: [control('finalize', drive.nowMs)] },
      drive.nowMs,
    );
    expect(early.controls[0]?.refusal).toMatch(/^cannot finalize yet: the final bake ends in \d+ s$/);
    const later = drive.nowMs + 300_000;
    const final = decide(drive.rollout, { ...drive.observations, controls: [control('finalize', later)] }, later);
    expect(final.controls[0]?.isAccepted).toBe(true);
    expect(final.intents).toEqual([{ kind: 'finalize', nodeIds: ['a', 'b'] }]);
    expect(final.message).toMatch(/Finalized/);
    const twice = decide(
      { spec: drive.rollout.spec, state: final.state },
      { ...drive.observations, controls: [control('finalize', later)] },
      later,
    );
    expect(twice.controls[0]?.refusal).toBe('already finalized');
  });
});
