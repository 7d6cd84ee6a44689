import type { RolloutNodeRecord, RolloutSpec, RolloutState } from '@iamroll/core/rollout';
import type { RolloutPass } from './rollout-pass';

// The reply interval's `useHotNodes` seam, fed by every rollout pass. A node hears its desired
// stage only in a heartbeat reply, and an idle node heartbeats once per keep-alive (10 s): left
// there, every switch waited up to 10 s before the agent even began (the rollout bench's
// timeline: intent → agent ~5–11 s, against ~1 s of restart), so the pacing's in-flight slots
// sat idle. Hot (1 s) are the nodes a running rollout moves now or soon: records waiting or
// switching in the current wave step and the next two (HOT_LOOKAHEAD_STEPS), and
// reverts; near a phase's end (no record beyond the next wave), the nodes already done with it
// when a later phase remains (they are its canary and first wave). Not the whole fleet at once:
// 1 s heartbeats cost the API, and a node at 1 s is called stale after 3 s of silence.
// Only this process's replies know it (the leader's); the others still answer 1 s once the
// desired stage differs from the reported one.

const isMoving = (status: RolloutState['status']) => status === 'running' || status === 'rolling_back';
/** The current wave step and the next wave step (a bake between them). */
const LOOKAHEAD_STEPS = 2;
/**
 * Hot: the current wave step and the next two. Preflight verdicts are asked for the next wave while
 * the current one runs (core preflight-gate.ts); a node hears a request only in a heartbeat reply, so
 * the wave after it is at 1 s already when its request goes out, and answers within a second or two
 * instead of at its 10 s keep-alive (the rollout bench's ro_iam waves waited for verdicts before).
 */
const HOT_LOOKAHEAD_STEPS = 4;

/**
 * At most this many nodes per rollout at 1 s, whatever the fleet's size: the soonest first (switching
 * and reverting, then waiting in the pacing's order, then the next phase's first nodes). A 10,000-node
 * wave would otherwise ask 1 Hz of thousands of nodes at once, more than one API process holds.
 */
export const HOT_MAX = 500;

export function hotNodesOf(state: RolloutState, phases: readonly string[]): Set<string> {
  const hot = new Set<string>();
  if (!isMoving(state.status)) return hot;
  const horizon = state.stepIndex + HOT_LOOKAHEAD_STEPS;
  const isSoon = (record: RolloutNodeRecord) =>
    record.direction === 'revert' || record.stepIndex === null || record.stepIndex <= horizon;
  const current = state.nodes.filter((record) => record.phase === state.phase);
  const isNearPhaseEnd = current.every((record) => record.stepIndex === null || record.stepIndex <= horizon);
  const hasLaterPhase = state.phase !== null && phases.indexOf(state.phase) < phases.length - 1;
  const rank = (record: RolloutNodeRecord) =>
    record.state === 'switching' || record.direction === 'revert' || record.stepIndex === null ? -1 : record.stepIndex;
  const unsettled = state.nodes
    .filter((record) => (record.state === 'waiting' || record.state === 'switching') && isSoon(record))
    .sort((a, b) => rank(a) - rank(b)); // stable: the pacing's order within a step
  const nextPhase = hasLaterPhase && isNearPhaseEnd ? current.filter((record) => record.state === 'switched') : [];
  for (const record of [...unsettled, ...nextPhase]) {
    if (hot.size >= HOT_MAX) break;
    hot.add(record.nodeId);
  }
  return hot;
}

/** How many of the nodes a rollout switches next heartbeat at 250 ms (besides those switching now). */
export const IMMINENT_NEXT = 8;
/** At most this many nodes per rollout at 250 ms, whatever the fleet's size (4 heartbeats/s each). */
export const IMMINENT_MAX = 16;

/**
 * The few nodes the pacing will switch next, in its order (the current and the next wave step),
 * and those switching whose agent may not have heard it yet: at 250 ms heartbeats a switch is
 * heard within a quarter second, not a second, so its burst sits in flight ~0.4 s less. Near a
 * phase's end with a later phase, the first of this phase's nodes (the next phase's canary and
 * first candidates, in the same order). Bounded: IMMINENT_MAX per rollout.
 */
export function imminentNodesOf(state: RolloutState, phases: readonly string[]): Set<string> {
  const imminent = new Set<string>();
  if (!isMoving(state.status)) return imminent;
  const horizon = state.stepIndex + LOOKAHEAD_STEPS;
  const current = state.nodes.filter((record) => record.phase === state.phase);
  for (const record of current) {
    if (imminent.size >= IMMINENT_MAX - IMMINENT_NEXT) break;
    if (record.state === 'switching') imminent.add(record.nodeId);
  }
  const rank = (record: RolloutNodeRecord) =>
    record.direction === 'revert' || record.stepIndex === null ? -1 : record.stepIndex;
  const next = current
    .filter((record) => record.state === 'waiting' && rank(record) <= horizon)
    .sort((a, b) => rank(a) - rank(b)) // stable: the pacing's order within a step
    .slice(0, IMMINENT_NEXT);
  for (const record of next) imminent.add(record.nodeId);
  const hasLaterPhase = state.phase !== null && phases.indexOf(state.phase) < phases.length - 1;
  if (hasLaterPhase && next.length < IMMINENT_NEXT) {
    const isNearPhaseEnd = current.every((record) => record.stepIndex === null || record.stepIndex <= horizon);
    const firstDone = isNearPhaseEnd ? current.filter((record) => record.state === 'switched') : [];
    for (const record of firstDone.slice(0, IMMINENT_NEXT - next.length)) imminent.add(record.nodeId);
  }
  return imminent;
}

/** Wraps a pass so that each decision updates the hot and imminent sets; both lookups are O(1) per heartbeat. */
export function trackHotNodes(pass: RolloutPass): {
  pass: RolloutPass;
  isHot: (nodeId: string) => boolean;
  isImminent: (nodeId: string) => boolean;
} {
  const byRollout = new Map<string, { readonly hot: Set<string>; readonly imminent: Set<string> }>();
  let merged = new Set<string>();
  let mergedImminent = new Set<string>();
  const tracked: RolloutPass = async (id, observations, nowMs, control) => {
    const result = await pass(id, observations, nowMs, control);
    const state = result.row.state as unknown as RolloutState;
    const phases = (result.row.spec as unknown as RolloutSpec).phases;
    const hot = hotNodesOf(state, phases);
    if (hot.size > 0) byRollout.set(id, { hot, imminent: imminentNodesOf(state, phases) });
    else byRollout.delete(id);
    merged = new Set([...byRollout.values()].flatMap((sets) => [...sets.hot]));
    mergedImminent = new Set([...byRollout.values()].flatMap((sets) => [...sets.imminent]));
    return result;
  };
  return {
    pass: tracked,
    isHot: (nodeId) => merged.has(nodeId),
    isImminent: (nodeId) => mergedImminent.has(nodeId),
  };
}
