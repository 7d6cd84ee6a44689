import { FleetRates } from '@iamroll/core/rates';
import type { TransitionReport } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import type { NodeEntry } from '../nodes/node-registry';
import { nodeObservation, type AppliedSeen } from './rollout-observations';

const report = (stage: 'password' | 'ro_iam') =>
  ({
    stage,
    rwAuthMode: 'password',
    roAuthMode: stage === 'ro_iam' ? 'iam' : 'password',
    role: 'traditional',
  }) as never;
const transition = (status: TransitionReport['status']) =>
  ({
    status,
    toStage: 'ro_iam',
    failedSwitches: 0,
    completedSwitches: 0,
    isPasswordRemoved: false,
    hasBackup: true,
  }) as TransitionReport;
const entry = (stage: 'password' | 'ro_iam', status: TransitionReport['status']) =>
  ({
    id: 'n1',
    report: report(stage),
    persisted: report('password'),
    agent: { labels: {}, transition: transition(status) },
  }) as unknown as NodeEntry;

describe('nodeObservation: the stage as applied', () => {
  it('keeps the last idle stage while the agent switches (kong.conf is written before the restart)', () => {
    const fleet = new FleetRates();
    const applied: AppliedSeen = new Map();
    const observe = (e: NodeEntry) => nodeObservation(e, fleet, new Map(), 10_000, 0, applied).stage;
    expect(observe(entry('password', 'idle'))).toBe('password');
    // File written, restart (and its reconnect burst) still to come: not switched yet.
    expect(observe(entry('ro_iam', 'switching'))).toBe('password');
    expect(observe(entry('ro_iam', 'idle'))).toBe('ro_iam');
    // A revert in progress: still the stage last applied.
    expect(observe(entry('password', 'reverting'))).toBe('ro_iam');
    expect(observe(entry('password', 'failed'))).toBe('password');
  });

  it('falls back to the reported stage when it never saw the node idle (e.g. right after a restart)', () => {
    const stage = nodeObservation(
      entry('ro_iam', 'switching'),
      new FleetRates(),
      new Map(),
      10_000,
      0,
      new Map(),
    ).stage;
    expect(stage).toBe('ro_iam');
  });
});
