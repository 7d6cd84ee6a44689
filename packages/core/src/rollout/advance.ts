import { burstByDatabase } from './burst';
import type { RolloutIntent } from './intents';
import type { RolloutObservations } from './observations';
import { addInto, inFlightByDatabase, selectSwitches, switchingNodeCount, type PacingCandidate } from './pacing';
import { pacedDatabases, plannedStartOf } from './pacing-seconds';
import { phaseRecords, roReadiness } from './phase';
import { applyPreflightGates, pendingPreflightByDatabase } from './preflight-gate';
import { quantityOf } from './spec';
import { eligibleOf, recordsOf } from './state';
import type { IamStage, RolloutNodeRecord, RolloutSpec, RolloutState } from './types';

// One running pass: walk the steps as far as the observations allow (enter a phase, finish
// a wave, end a bake), then issue the current wave's next paced switches.

export interface RunPass {
  readonly state: RolloutState;
  readonly intents: RolloutIntent[];
  /** Why the rollout is not moving right now (pacing, readiness), for the message. */
  readonly waitingReason: string | null;
  readonly note: string | null;
}

function nextStep(state: RolloutState, nowMs: number): RolloutState {
  return { ...state, stepIndex: state.stepIndex + 1, stepStartedAtMs: nowMs };
}

function isUnsettled(record: RolloutNodeRecord, stepIndex: number): boolean {
  return (
    record.stepIndex !== null &&
    record.stepIndex <= stepIndex &&
    (record.state === 'waiting' || record.state === 'switching')
  );
}

function switchNext(
  spec: RolloutSpec,
  initial: RolloutState,
  observations: RolloutObservations,
  nowMs: number,
): { state: RolloutState; intents: RolloutIntent[]; waitingReason: string | null; note: string | null } {
  // Preflight (issue 12): block failing candidates, hold those awaiting a verdict, lift cleared blocks.
  const gated = applyPreflightGates(spec, initial, observations, nowMs);
  const state = gated.state;
  const phase = state.phase ?? 'ro_iam';
  const records = recordsOf(state, phase);
  const byId = new Map(observations.nodes.map((node) => [node.nodeId, node]));
  const candidates: (PacingCandidate & { toStage: IamStage })[] = records.flatMap((record) => {
    const node = byId.get(record.nodeId);
    const isCandidate =
      record.direction === 'forward' && record.state === 'waiting' && isUnsettled(record, state.stepIndex);
    // A stale node would not hear its switch until it returns, and then restart unpaced: it waits.
    if (!isCandidate || node === undefined || node.isStale || record.toStage === 'rw_iam_ro_password') return [];
    if (gated.awaiting.has(record.nodeId)) return [];
    const burst = burstByDatabase(node, record.toStage);
    return [
      {
        nodeId: record.nodeId,
        toStage: record.toStage,
        burstByDatabase: burst.isKnown ? burst.byDatabase : record.burstByDatabase,
      },
    ];
  });
  const slots = quantityOf(spec.pacing.maxUnavailable, eligibleOf(records).length) - switchingNodeCount(state);
  // Unanswered preflight requests are logins still to land too.
  const inFlight = inFlightByDatabase(spec, state, nowMs, observations);
  addInto(inFlight, pendingPreflightByDatabase(spec, observations, nowMs));
  // Planned seconds (pacing-seconds.ts): late in a second, the next switches begin at the next one's start.
  const startAtMs = plannedStartOf(nowMs);
  const pacing = selectSwitches({
    candidates,
    databases: pacedDatabases(state, observations, startAtMs),
    inFlightByDatabase: inFlight,
    targetUtilisation: spec.pacing.targetUtilisation,
    slots: Math.max(0, slots),
  });
  const picked = new Set(pacing.nodeIds);
  const chosen = new Map(candidates.filter((c) => picked.has(c.nodeId)).map((c) => [c.nodeId, c]));
  const nodes = state.nodes.map((record) => {
    const candidate = record.phase === phase ? chosen.get(record.nodeId) : undefined;
    if (candidate === undefined) return record;
    return {
      ...record,
      state: 'switching' as const,
      switchStartedAtMs: nowMs,
      switchAtMs: startAtMs > nowMs ? startAtMs : null,
      burstByDatabase: candidate.burstByDatabase,
    };
  });
  const intents: RolloutIntent[] = [];
  for (const stage of ['ro_iam', 'rw_iam'] as const) {
    const nodeIds = [...chosen.values()].filter((c) => c.toStage === stage).map((c) => c.nodeId);
    if (nodeIds.length > 0)
      intents.push({ kind: 'switch', phase, stage, nodeIds, ...(startAtMs > nowMs ? { startAtMs } : {}) });
  }
  const stale = records.filter((r) => r.state === 'waiting' && byId.get(r.nodeId)?.isStale === true);
  const staleNote =
    stale.length > 0 ? `stale, not switched until they report: ${stale.map((r) => r.nodeId).join(', ')}` : null;
  const waitingReason =
    [pacing.waitingReason, staleNote, gated.note].filter((part) => part !== null).join('; ') || null;
  return { state: { ...state, nodes }, intents, waitingReason, note: pacing.oversizedNote };
}

export function runPass(
  spec: RolloutSpec,
  initial: RolloutState,
  observations: RolloutObservations,
  nowMs: number,
): RunPass {
  let state = initial;
  const intents: RolloutIntent[] = [];
  for (let guard = 0; guard <= spec.steps.length + 1; guard += 1) {
    const step = spec.steps[state.stepIndex];
    if (step === undefined) {
      intents.push({ kind: 'complete' });
      state = { ...state, status: 'completed', finishedAtMs: nowMs };
      return { state, intents, waitingReason: null, note: null };
    }
    if (state.phase !== step.phase) {
      const needsRoFirst =
        step.phase === 'rw_iam' && spec.phases.includes('ro_iam') && state.roBeforeRwOverride === null;
      const readiness = needsRoFirst
        ? roReadiness(spec, state, observations, nowMs)
        : { isReady: true, waitingFor: null };
      if (!readiness.isReady)
        return {
          state,
          intents,
          waitingReason: `rw_iam waits for read-only on IAM: ${readiness.waitingFor ?? ''}`,
          note: null,
        };
      const records = phaseRecords(spec, state, observations, step.phase, nowMs);
      state = { ...state, phase: step.phase, stepStartedAtMs: nowMs, nodes: [...state.nodes, ...records] };
      intents.push({ kind: 'phase_started', phase: step.phase });
    }
    if (step.kind === 'bake') {
      const isLastStep = state.stepIndex === spec.steps.length - 1;
      if (isLastStep && state.finalBakeStartedAtMs === null)
        state = { ...state, finalBakeStartedAtMs: state.stepStartedAtMs ?? nowMs };
      const elapsedMs = nowMs - (state.stepStartedAtMs ?? nowMs);
      if (!state.isPromotedFully && elapsedMs < step.bakeSeconds * 1000)
        return { state, intents, waitingReason: null, note: null };
      state = nextStep(state, nowMs);
      continue;
    }
    const hasUnsettled = recordsOf(state, step.phase).some((record) => isUnsettled(record, state.stepIndex));
    if (!hasUnsettled) {
      state = nextStep(state, nowMs);
      continue;
    }
    const pass = switchNext(spec, state, observations, nowMs);
    return {
      state: pass.state,
      intents: [...intents, ...pass.intents],
      waitingReason: pass.waitingReason,
      note: pass.note,
    };
  }
  return { state, intents, waitingReason: null, note: null };
}
