import type { RolloutNodeView, RolloutSummary, RolloutView } from '@iamroll/contracts';
import { currentStep, nodeViews, type RolloutSpec, type RolloutState } from '@iamroll/core/rollout';
import type { RolloutRow } from './rollouts-repository';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toRolloutSummary(row: RolloutRow): RolloutSummary {
  const state = row.state as unknown as RolloutState;
  return {
    id: row.id,
    status: row.status,
    phase: state.phase,
    message: state.message,
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    startedAt: iso(state.startedAtMs),
    finishedAt: iso(state.finishedAtMs),
    pause: state.pause
      ? { by: state.pause.by, reason: state.pause.reason, at: new Date(state.pause.atMs).toISOString() }
      : null,
    finalizedAt: iso(state.finalizedAtMs),
    revision: row.revision,
  };
}

export function toRolloutView(row: RolloutRow, hostnames: ReadonlyMap<string, string>): RolloutView {
  const state = row.state as unknown as RolloutState;
  const nodes: RolloutNodeView[] = nodeViews(state).map((record) => ({
    id: record.nodeId,
    hostname: hostnames.get(record.nodeId) ?? null,
    phase: record.phase,
    state: record.state,
    fromStage: record.fromStage,
    toStage: record.toStage,
    reason: record.reason,
  }));
  const step = currentStep(row.spec as unknown as RolloutSpec, state);
  return {
    ...toRolloutSummary(row),
    step: step && {
      index: step.index,
      phase: step.phase,
      kind: step.kind,
      label: step.label,
      waveIndex: step.waveIndex,
      waveCount: step.waveCount,
      bakeStartedAt: iso(step.bakeStartedAtMs),
      bakeEndsAt: iso(step.bakeEndsAtMs),
    },
    roBeforeRwOverride: state.roBeforeRwOverride
      ? {
          by: state.roBeforeRwOverride.by,
          reason: state.roBeforeRwOverride.reason,
          at: new Date(state.roBeforeRwOverride.atMs).toISOString(),
        }
      : null,
    spec: row.spec as Record<string, unknown>,
    nodes,
  };
}
