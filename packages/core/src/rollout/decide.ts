import { runPass } from './advance';
import { applyControl } from './controls';
import { firingGates, newGates, stillResumed, type Gate } from './gates';
import type { ControlOutcome, RolloutDecision, RolloutIntent } from './intents';
import { rolloutMessage } from './message';
import type { RolloutObservations } from './observations';
import { hasPendingReverts, markForRevert, paceReverts } from './revert';
import { settleRecords } from './settle';
import type { Rollout, RolloutSpec, RolloutState } from './types';

// decide(rollout, observations, now): the whole engine in one pure, level-triggered call.
// 1. read the agents' reports into the node records; 2. apply the controls requested;
// 3. running: gates first (pause, or revert the current wave), else advance and switch;
// 4. pace reverts (rollback, wave rollback); 5. compute the message. Calling it again with
// its own output state and the same observations issues no new switch: nodes already
// switching are in flight, not candidates, and each record switches once.

/** The engine's name in audit entries for what it decides by itself. */
export const ENGINE_ACTOR = 'iamroll';

function currentSwitchStep(spec: RolloutSpec, state: RolloutState): number {
  for (let index = state.stepIndex; index >= 0; index -= 1) {
    const step = spec.steps[index];
    if (step !== undefined && step.phase === state.phase && step.kind !== 'bake') return index;
  }
  return state.stepIndex;
}

function pauseForGates(spec: RolloutSpec, state: RolloutState, gates: readonly Gate[], nowMs: number): RolloutState {
  const reason = gates.map((gate) => gate.reason).join('; ');
  const pause = { by: ENGINE_ACTOR, atMs: nowMs, gateKeys: gates.map((gate) => gate.key) };
  if (spec.onAlarm !== 'rollback_wave' || !gates.some((gate) => gate.isAlarm))
    return { ...state, status: 'paused', pause: { ...pause, reason } };
  // AppConfig-style: an alarm rolls the wave back, then the rollout waits for a human.
  const waveIndex = currentSwitchStep(spec, state);
  return {
    ...state,
    status: 'paused',
    stepIndex: waveIndex,
    stepStartedAtMs: null,
    pause: { ...pause, reason: `${reason}; the current wave is being rolled back` },
    revertScope: { kind: 'wave', phase: state.phase ?? 'ro_iam', stepIndex: waveIndex },
  };
}

export function decide(rollout: Rollout, observations: RolloutObservations, nowMs: number): RolloutDecision {
  const { spec } = rollout;
  const intents: RolloutIntent[] = [];
  const controls: ControlOutcome[] = [];
  const settled = settleRecords(spec, rollout.state, observations, nowMs);
  let state: RolloutState = { ...rollout.state, nodes: settled.nodes };
  intents.push(...settled.intents);

  for (const control of observations.controls ?? []) {
    const result = applyControl(spec, state, control);
    state = result.state;
    intents.push(...result.intents);
    controls.push(result.outcome);
    if (result.outcome.isAccepted && control.kind === 'resume') {
      // Resume is allowed while an alarm is open: every gate firing now is resumed past.
      const firing = firingGates(spec, state, observations).map((gate) => gate.key);
      state = { ...state, resumedGateKeys: [...new Set([...state.resumedGateKeys, ...firing])] };
    }
  }

  let waitingReason: string | null = null;
  let note: string | null = null;
  if (state.status === 'running') {
    const gates = firingGates(spec, state, observations);
    state = { ...state, resumedGateKeys: stillResumed(gates, state) };
    const fresh = newGates(gates, state);
    if (fresh.length > 0) {
      state = pauseForGates(spec, state, fresh, nowMs);
      intents.push({ kind: 'pause', by: ENGINE_ACTOR, reason: state.pause?.reason ?? '' });
    } else {
      const pass = runPass(spec, state, observations, nowMs);
      state = pass.state;
      intents.push(...pass.intents);
      ({ waitingReason, note } = pass);
    }
  }

  const isReverting = state.status === 'rolling_back' || state.status === 'paused';
  if (state.revertScope !== null && isReverting) {
    state = { ...state, nodes: markForRevert(state.nodes, state.revertScope) };
    const pass = paceReverts(spec, state, observations, nowMs);
    state = { ...state, nodes: pass.nodes };
    intents.push(...pass.intents);
    waitingReason = pass.pacing.waitingReason;
  }
  if (state.status === 'rolling_back' && !hasPendingReverts(state)) {
    state = { ...state, status: 'rolled_back', finishedAtMs: nowMs };
    intents.push({ kind: 'rolled_back' });
  }

  const message = rolloutMessage(spec, state, { nowMs, waitingReason, note });
  state = { ...state, message };
  return { state, status: state.status, message, intents, controls };
}
