import type { NodeRolloutState, RolloutNodeRecord, RolloutPhase, RolloutState } from './types';

// Small helpers over the persisted state. A node has at most one record per phase.

export function initialRolloutState(): RolloutState {
  return {
    status: 'pending',
    phase: null,
    stepIndex: 0,
    stepStartedAtMs: null,
    pause: null,
    message: 'Pending: waiting for start.',
    nodes: [],
    stepHash: null,
    startedAtMs: null,
    finishedAtMs: null,
    isPromotedFully: false,
    roBeforeRwOverride: null,
    resumedGateKeys: [],
    revertScope: null,
    finalBakeStartedAtMs: null,
    finalizedAtMs: null,
  };
}

export function recordsOf(state: RolloutState, phase: RolloutPhase): RolloutNodeRecord[] {
  return state.nodes.filter((record) => record.phase === phase);
}

export function countIn(records: readonly RolloutNodeRecord[], ...states: NodeRolloutState[]): number {
  return records.filter((record) => states.includes(record.state)).length;
}

/** Nodes a phase tries to switch: neither skipped nor blocked. */
export function eligibleOf(records: readonly RolloutNodeRecord[]): RolloutNodeRecord[] {
  return records.filter((record) => record.state !== 'skipped' && record.state !== 'blocked');
}

/** One view per node for the API: its latest phase record (rw_iam over ro_iam). */
export function nodeViews(state: RolloutState): RolloutNodeRecord[] {
  const latest = new Map<string, RolloutNodeRecord>();
  for (const record of state.nodes) {
    const seen = latest.get(record.nodeId);
    const isLater = seen === undefined || (record.phase === 'rw_iam' && record.state !== 'skipped');
    if (isLater) latest.set(record.nodeId, record);
  }
  return [...latest.values()];
}
