import type { ControlOutcome, RolloutIntent } from './intents';
import type { ControlRequest } from './observations';
import { hasPendingReverts, retryRevertedWave } from './revert';
import { stepHash } from './spec';
import { initialRolloutState } from './state';
import type { RolloutSpec, RolloutState, RolloutStatusName } from './types';

// Operator controls, valid or refused with a reason as a value (the API answers 409 with
// it): a refused control changes nothing. Gates firing at resume time are resumed past.

export interface ControlResult {
  readonly state: RolloutState;
  readonly intents: readonly RolloutIntent[];
  readonly outcome: ControlOutcome;
}

type Handler = (spec: RolloutSpec, state: RolloutState, control: ControlRequest) => RolloutState | string;

const STATUS_WORDS: Record<RolloutStatusName, string> = {
  pending: 'pending',
  running: 'running',
  paused: 'paused',
  completed: 'completed',
  aborted: 'aborted',
  rolling_back: 'rolling back',
  rolled_back: 'rolled back',
};

function onlyFrom(state: RolloutState, allowed: readonly RolloutStatusName[], what: string): string | null {
  return allowed.includes(state.status) ? null : `cannot ${what}: the rollout is ${STATUS_WORDS[state.status]}`;
}

function needsReason(control: ControlRequest): string | null {
  return control.reason.trim().length === 0 ? `${control.kind} needs a written reason` : null;
}

const HANDLERS: Record<ControlRequest['kind'], Handler> = {
  start: (spec, state, control) =>
    onlyFrom(state, ['pending'], 'start') ?? {
      ...state,
      status: 'running',
      startedAtMs: control.atMs,
      stepIndex: 0,
      stepStartedAtMs: control.atMs,
      stepHash: stepHash(spec),
    },
  pause: (_spec, state, control) =>
    onlyFrom(state, ['running'], 'pause') ?? {
      ...state,
      status: 'paused',
      pause: { by: control.by, reason: control.reason, atMs: control.atMs, gateKeys: [] },
    },
  resume: (spec, state, control) => {
    const refusal = onlyFrom(state, ['paused'], 'resume') ?? needsReason(control);
    if (refusal !== null) return refusal;
    if (hasPendingReverts(state))
      return 'cannot resume yet: the wave rollback is still reverting; resume once its nodes are back';
    return {
      ...state,
      status: 'running',
      pause: null,
      revertScope: null,
      nodes: retryRevertedWave(state.nodes),
      resumedGateKeys: [...new Set([...state.resumedGateKeys, ...(state.pause?.gateKeys ?? [])])],
      // Resuming after an edit adopts the edited plan.
      stepHash: stepHash(spec),
    };
  },
  promote: (spec, state) => {
    const refusal = onlyFrom(state, ['running'], 'promote');
    if (refusal !== null) return refusal;
    const step = spec.steps[state.stepIndex];
    if (step?.kind !== 'bake') return `nothing to promote: ${step?.kind ?? 'no'} step in progress, not a bake`;
    return { ...state, stepIndex: state.stepIndex + 1, stepStartedAtMs: null };
  },
  'promote-all': (_spec, state) =>
    onlyFrom(state, ['running', 'paused'], 'promote all') ??
    (state.isPromotedFully ? 'already promoted: every remaining bake is skipped' : { ...state, isPromotedFully: true }),
  abort: (_spec, state, control) =>
    onlyFrom(state, ['pending', 'running', 'paused', 'rolling_back'], 'abort') ?? {
      ...state,
      status: 'aborted',
      pause: { by: control.by, reason: control.reason, atMs: control.atMs, gateKeys: [] },
      finishedAtMs: control.atMs,
    },
  rollback: (_spec, state) =>
    onlyFrom(state, ['running', 'paused', 'aborted', 'completed'], 'roll back') ?? {
      ...state,
      status: 'rolling_back',
      pause: null,
      finishedAtMs: null,
      revertScope: { kind: 'all' },
    },
  finalize: (spec, state, control) => {
    const refusal = onlyFrom(state, ['completed'], 'finalize');
    if (refusal !== null) return refusal;
    if (state.finalizedAtMs !== null) return 'already finalized';
    const finalBake = spec.steps.at(-1);
    const bakeMs = finalBake?.kind === 'bake' ? finalBake.bakeSeconds * 1000 : 0;
    const endsAtMs = (state.finalBakeStartedAtMs ?? control.atMs) + bakeMs;
    if (control.atMs < endsAtMs)
      return `cannot finalize yet: the final bake ends in ${Math.ceil((endsAtMs - control.atMs) / 1000)} s`;
    return { ...state, finalizedAtMs: control.atMs };
  },
  'override-ro-before-rw': (spec, state, control) => {
    const refusal = onlyFrom(state, ['pending', 'running', 'paused'], 'override read-only-before-read-write');
    if (refusal !== null) return refusal;
    if (control.isAdmin !== true) return 'only an admin may override read-only-before-read-write';
    if (!spec.phases.includes('ro_iam') || !spec.phases.includes('rw_iam'))
      return 'nothing to override: this rollout does not run both phases';
    return (
      needsReason(control) ?? {
        ...state,
        roBeforeRwOverride: { by: control.by, reason: control.reason, atMs: control.atMs },
      }
    );
  },
};

function intentsFor(control: ControlRequest, after: RolloutState): RolloutIntent[] {
  const actor = { by: control.by, reason: control.reason };
  switch (control.kind) {
    case 'start':
    case 'resume':
    case 'abort':
    case 'rollback':
    case 'pause':
      return [{ kind: control.kind, ...actor }];
    case 'finalize': {
      const moved = after.nodes.filter((record) => record.direction === 'forward' && record.state === 'switched');
      return [{ kind: 'finalize', nodeIds: [...new Set(moved.map((record) => record.nodeId))] }];
    }
    default:
      return [];
  }
}

export function applyControl(spec: RolloutSpec, state: RolloutState, control: ControlRequest): ControlResult {
  const result = HANDLERS[control.kind](spec, state, control);
  const base = { ...(control.id !== undefined ? { id: control.id } : {}), kind: control.kind, by: control.by };
  if (typeof result === 'string')
    return { state, intents: [], outcome: { ...base, isAccepted: false, refusal: result } };
  return { state: result, intents: intentsFor(control, result), outcome: { ...base, isAccepted: true, refusal: null } };
}

/**
 * A new rollout's state: pending (`"start": false`), or started at once by its creator. The
 * first decide() then enters the ro_iam phase and issues the canary's switch.
 */
export function newRolloutState(
  spec: RolloutSpec,
  creation: { readonly isStarted: boolean; readonly by: string; readonly reason: string; readonly atMs: number },
): RolloutState {
  const pending = initialRolloutState();
  if (!creation.isStarted) return pending;
  return applyControl(spec, pending, { kind: 'start', by: creation.by, reason: creation.reason, atMs: creation.atMs })
    .state;
}
