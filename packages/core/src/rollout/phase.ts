import { formatDuration } from '../rates/alarm-messages';
import type { RolloutObservations } from './observations';
import { resolveScope } from './scope';
import { quantityOf } from './spec';
import type { RolloutNodeRecord, RolloutPhase, RolloutSpec, RolloutState } from './types';

// Entering a phase: resolve its scope against the nodes as they are now (the ro_iam phase
// changed their stages) and give every eligible node the switch step that moves it.

/** Cumulative nodes reached at the end of each switch step of the phase. */
export function reachByStep(spec: RolloutSpec, phase: RolloutPhase, eligibleCount: number): Map<number, number> {
  const reach = new Map<number, number>();
  let reached = 0;
  spec.steps.forEach((step, index) => {
    if (step.phase !== phase || step.kind === 'bake') return;
    const target =
      step.kind === 'canary'
        ? quantityOf(step.quantity, eligibleCount)
        : Math.ceil(step.cumulativeShare * eligibleCount - 1e-9);
    reached = Math.min(eligibleCount, Math.max(reached, target));
    reach.set(index, reached);
  });
  return reach;
}

export function phaseRecords(
  spec: RolloutSpec,
  state: RolloutState,
  observations: RolloutObservations,
  phase: RolloutPhase,
  nowMs: number,
): RolloutNodeRecord[] {
  const verdicts = resolveScope(spec, observations, phase, {
    nowMs,
    isRoBeforeRwOverridden: state.roBeforeRwOverride !== null,
  });
  const eligibleCount = verdicts.filter((verdict) => verdict.state === 'waiting').length;
  const steps = [...reachByStep(spec, phase, eligibleCount).entries()];
  let position = 0;
  return verdicts.map((verdict) => {
    const stepIndex = verdict.state === 'waiting' ? (steps.find(([, reach]) => position < reach)?.[0] ?? null) : null;
    if (verdict.state === 'waiting') position += 1;
    return {
      nodeId: verdict.nodeId,
      phase,
      state: verdict.state,
      fromStage: verdict.fromStage,
      toStage: verdict.toStage,
      reason: verdict.reason,
      stepIndex,
      direction: 'forward',
      switchStartedAtMs: null,
      settledAtMs: null,
      burstByDatabase: verdict.burstByDatabase,
      attempt: 0,
      ...(verdict.blockedBy ? { blockedBy: verdict.blockedBy } : {}),
    };
  });
}

export interface Readiness {
  readonly isReady: boolean;
  /** What rw_iam waits for, node by node (first few), or null when ready. */
  readonly waitingFor: string | null;
}

/**
 * Read-write waits until every in-scope node with a read-only connection has run it on IAM,
 * healthily, for the ro_iam phase's final bake: on ro IAM since at least that long (the
 * engine's settle time, or the agent's stage-since for nodes already there), not stale, no
 * authentication failures in the window, no open alarm on the node. Gates would have paused
 * the rollout on any trouble during that time; this is the last look before the primary.
 */
export function roReadiness(
  spec: RolloutSpec,
  state: RolloutState,
  observations: RolloutObservations,
  nowMs: number,
): Readiness {
  const bake = spec.steps.find((step) => step.phase === 'ro_iam' && step.kind === 'bake' && step.isFinal);
  const bakeMs = (bake?.kind === 'bake' ? bake.bakeSeconds : 0) * 1000;
  const roRecords = new Map(
    state.nodes.filter((record) => record.phase === 'ro_iam').map((record) => [record.nodeId, record]),
  );
  const problems: string[] = [];
  // Each node's first open alarm, found once (not one scan of the alarms per node).
  const alarmByNode = new Map<string, (typeof observations.alarms)[number]>();
  for (const alarm of observations.alarms)
    if (alarm.nodeId !== undefined && !alarmByNode.has(alarm.nodeId)) alarmByNode.set(alarm.nodeId, alarm);
  for (const node of observations.nodes) {
    const record = roRecords.get(node.nodeId);
    if (record === undefined || !node.hasReadOnlyConnection || node.role === 'data_plane' || node.isDatabaseOff)
      continue;
    if (node.stage !== 'ro_iam' && node.stage !== 'rw_iam') {
      problems.push(
        `${node.nodeId} read-only not on IAM (${record.state}${record.reason ? `: ${record.reason}` : ''})`,
      );
      continue;
    }
    const sinceMs = record.state === 'switched' ? record.settledAtMs : node.stageSinceMs;
    const alarm = alarmByNode.get(node.nodeId);
    if (sinceMs === null) problems.push(`${node.nodeId} on ro IAM since an unknown time`);
    else if (nowMs - sinceMs < bakeMs)
      problems.push(`${node.nodeId} on ro IAM for ${formatDuration(nowMs - sinceMs)} of ${formatDuration(bakeMs)}`);
    else if (node.isStale) problems.push(`${node.nodeId} stale`);
    else if (node.authFailuresInWindow > 0) problems.push(`${node.nodeId} failing IAM authentication`);
    else if (alarm !== undefined) problems.push(`${node.nodeId} has alarm ${alarm.kind} open`);
  }
  if (problems.length === 0) return { isReady: true, waitingFor: null };
  const shown = problems.slice(0, 3).join('; ');
  return { isReady: false, waitingFor: problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown };
}
