import { decide } from './decide';
import type { RolloutDecision, RolloutIntent } from './intents';
import type { ControlRequest, NodeObservation, RolloutObservations } from './observations';
import { initialRolloutState } from './state';
import type { Rollout, RolloutSpec, RolloutStatusName } from './types';

// Scripted agents for engine tests: they apply every switch and revert at once (or fail the
// ones told to) and report back, as real agents do on their next heartbeat.

export interface AgentScript {
  /** Nodes whose switches fail (the agent reverts and reports failed). */
  readonly failing?: ReadonlySet<string>;
  /** Nodes that never report (their switches stay in flight). */
  readonly silent?: ReadonlySet<string>;
}

export function agentsApply(
  nodes: readonly NodeObservation[],
  intents: readonly RolloutIntent[],
  nowMs: number,
  script: AgentScript = {},
): NodeObservation[] {
  const targets = new Map<string, NodeObservation['stage']>();
  for (const intent of intents)
    if (intent.kind === 'switch' || intent.kind === 'revert')
      for (const id of intent.nodeIds) targets.set(id, intent.stage);
  return nodes.map((node) => {
    const stage = targets.get(node.nodeId);
    if (stage === undefined || script.silent?.has(node.nodeId)) return node;
    if (script.failing?.has(node.nodeId))
      return { ...node, switchReport: { stage, outcome: 'failed', reason: 'PAM authentication failed', atMs: nowMs } };
    return {
      ...node,
      stage,
      stageSinceMs: nowMs,
      switchReport: { stage, outcome: 'applied', reason: null, atMs: nowMs },
    };
  });
}

export function control(
  kind: ControlRequest['kind'],
  atMs: number,
  extra: Partial<ControlRequest> = {},
): ControlRequest {
  return { kind, by: 'alice', reason: `${kind} please`, atMs, ...extra };
}

export interface Drive {
  rollout: Rollout;
  observations: RolloutObservations;
  nowMs: number;
  readonly decisions: RolloutDecision[];
}

export function newDrive(spec: RolloutSpec, observations: RolloutObservations, nowMs: number): Drive {
  return { rollout: { spec, state: initialRolloutState() }, observations, nowMs, decisions: [] };
}

/** One reconcile pass: decide, then (unless told not to) agents apply its intents. */
export function step(
  drive: Drive,
  options: { controls?: readonly ControlRequest[]; script?: AgentScript; isAgentsIdle?: boolean } = {},
): RolloutDecision {
  const decision = decide(drive.rollout, { ...drive.observations, controls: options.controls ?? [] }, drive.nowMs);
  drive.decisions.push(decision);
  drive.rollout = { spec: drive.rollout.spec, state: decision.state };
  if (!options.isAgentsIdle)
    drive.observations = {
      ...drive.observations,
      nodes: agentsApply(drive.observations.nodes, decision.intents, drive.nowMs, options.script),
    };
  return decision;
}

/** Passes `stepMs` apart until the status is one of `until` (or maxPasses). */
export function runUntil(
  drive: Drive,
  until: readonly RolloutStatusName[],
  options: { stepMs?: number; maxPasses?: number; script?: AgentScript } = {},
): RolloutDecision | undefined {
  for (let pass = 0; pass < (options.maxPasses ?? 2000); pass += 1) {
    drive.nowMs += options.stepMs ?? 1000;
    const decision = step(drive, options.script ? { script: options.script } : {});
    if (until.includes(decision.status)) return decision;
  }
  return undefined;
}

export function allIntents(drive: Drive): RolloutIntent[] {
  return drive.decisions.flatMap((decision) => decision.intents);
}
