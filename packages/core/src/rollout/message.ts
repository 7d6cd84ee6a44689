import { formatDuration } from '../rates/alarm-messages';
import { countIn, eligibleOf, recordsOf } from './state';
import type { RolloutPhase, RolloutSpec, RolloutState } from './types';

// The human-readable message beside the status (Argo Rollouts' `message`): where the rollout
// is, what it waits for, and who stopped it and why. Computed, never stored by hand.

const PHASE_LABELS: Record<RolloutPhase, string> = {
  ro_iam: 'ro_iam (read-only connections)',
  rw_iam: 'rw_iam (read-write connections)',
};

export function stepLabel(spec: RolloutSpec, stepIndex: number): string {
  const step = spec.steps[stepIndex];
  if (step === undefined) return 'done';
  const phaseSteps = spec.steps.slice(0, stepIndex + 1).filter((s) => s.phase === step.phase);
  const waves = spec.steps.filter((s) => s.phase === step.phase && s.kind === 'wave').length;
  const waveNumber = phaseSteps.filter((s) => s.kind === 'wave').length;
  if (step.kind === 'canary') return 'canary';
  if (step.kind === 'wave') return `wave ${waveNumber} of ${waves} (${Math.round(step.cumulativeShare * 100)}%)`;
  if (step.isFinal) return 'final bake';
  return waveNumber === 0 ? 'bake after the canary' : `bake after wave ${waveNumber}`;
}

export interface RolloutStepView {
  readonly index: number;
  readonly phase: RolloutPhase;
  readonly kind: 'canary' | 'wave' | 'bake' | 'final_bake';
  readonly label: string;
  /** 0 for the canary (and the bake after it), 1…waveCount for the waves (and the bakes after them). */
  readonly waveIndex: number;
  /** The phase's waves, the canary not counted. */
  readonly waveCount: number;
  /** A bake's start (the step's start once its phase is entered) and planned end; null otherwise. */
  readonly bakeStartedAtMs: number | null;
  readonly bakeEndsAtMs: number | null;
}

/** The current step of a running or paused rollout, for the API; null in every other status. */
export function currentStep(spec: RolloutSpec, state: RolloutState): RolloutStepView | null {
  if (state.status !== 'running' && state.status !== 'paused') return null;
  const step = spec.steps[state.stepIndex];
  if (step === undefined) return null;
  const phaseSteps = spec.steps.slice(0, state.stepIndex + 1).filter((s) => s.phase === step.phase);
  const kind = step.kind === 'bake' && step.isFinal ? 'final_bake' : step.kind;
  const isBaking = step.kind === 'bake' && state.phase === step.phase && state.stepStartedAtMs !== null;
  const bakeStartedAtMs = isBaking ? state.stepStartedAtMs : null;
  return {
    index: state.stepIndex,
    phase: step.phase,
    kind,
    label: stepLabel(spec, state.stepIndex),
    waveIndex: phaseSteps.filter((s) => s.kind === 'wave').length,
    waveCount: spec.steps.filter((s) => s.phase === step.phase && s.kind === 'wave').length,
    bakeStartedAtMs,
    bakeEndsAtMs: bakeStartedAtMs !== null && step.kind === 'bake' ? bakeStartedAtMs + step.bakeSeconds * 1000 : null,
  };
}

function progress(state: RolloutState, phase: RolloutPhase): string {
  const records = recordsOf(state, phase);
  const parts = [`${countIn(records, 'switched')} of ${eligibleOf(records).length} nodes switched`];
  const switching = countIn(records, 'switching');
  const failed = countIn(records, 'failed');
  const blocked = countIn(records, 'blocked');
  if (switching > 0) parts.push(`${switching} switching`);
  if (failed > 0) parts.push(`${failed} failed`);
  if (blocked > 0) parts.push(`${blocked} blocked`);
  return parts.join(', ');
}

export interface MessageContext {
  readonly nowMs: number;
  readonly waitingReason?: string | null;
  readonly note?: string | null;
}

function runningMessage(spec: RolloutSpec, state: RolloutState, context: MessageContext): string {
  const step = spec.steps[state.stepIndex];
  const phase = step?.phase ?? state.phase ?? 'ro_iam';
  let text = `${PHASE_LABELS[phase]} · ${stepLabel(spec, state.stepIndex)}`;
  if (state.phase === phase) text += `: ${progress(state, phase)}`;
  if (step?.kind === 'bake' && state.phase === phase) {
    const elapsedMs = Math.max(0, context.nowMs - (state.stepStartedAtMs ?? context.nowMs));
    text += `; baking ${formatDuration(elapsedMs)} of ${formatDuration(step.bakeSeconds * 1000)}`;
  }
  if (context.waitingReason) text += `; ${context.waitingReason}`;
  if (context.note) text += `; ${context.note}`;
  return `${text}.`;
}

export function rolloutMessage(spec: RolloutSpec, state: RolloutState, context: MessageContext): string {
  const all = state.nodes;
  const reverts = all.filter((record) => record.direction === 'revert');
  const nodeCount = new Set(reverts.map((record) => record.nodeId)).size;
  const revertedCount = new Set(reverts.filter((r) => r.state === 'reverted').map((r) => r.nodeId)).size;
  switch (state.status) {
    case 'pending':
      return 'Pending: created with start = false; start it to begin.';
    case 'running':
      return `Running ${runningMessage(spec, state, context)}`;
    case 'paused': {
      const where = `at ${state.phase ?? 'the start'} · ${stepLabel(spec, state.stepIndex)}`;
      const reverting = reverts.filter((r) => r.state === 'waiting' || r.state === 'switching').length;
      const tail = reverting > 0 ? `; reverting ${reverting} node(s) of the wave` : '';
      return `Paused ${where} by ${state.pause?.by ?? 'unknown'}: ${state.pause?.reason ?? 'no reason given'}${tail}. Resume with a reason to continue.`;
    }
    case 'completed': {
      const finalPhase = spec.phases.at(-1) ?? 'rw_iam';
      const finalized = state.finalizedAtMs !== null ? ' Finalized: password keys removed.' : '';
      return `Completed: ${progress(state, finalPhase)} to ${finalPhase}.${finalized}`;
    }
    case 'aborted':
      return `Aborted by ${state.pause?.by ?? 'an operator'}: ${state.pause?.reason || 'no reason given'}; nodes stay as they are (${countIn(all, 'switched')} switched).`;
    case 'rolling_back': {
      const wait = context.waitingReason ? `; ${context.waitingReason}` : '';
      return `Rolling back: ${revertedCount} of ${nodeCount} nodes back to their previous stage${wait}.`;
    }
    case 'rolled_back':
      return `Rolled back: ${revertedCount} of ${nodeCount} nodes back to their previous stage.`;
  }
}
