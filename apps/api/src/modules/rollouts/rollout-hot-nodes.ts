import type { RolloutNodeRecord, RolloutSpec, RolloutState } from '@iamroll/core/rollout';
import type { RolloutPass } from './rollout-pass';

// The reply interval's `useHotNodes` seam, fed by every rollout pass. A node hears its desired
// stage only in a heartbeat reply, and an idle node heartbeats once per keep-alive (10 s): left
// there, every switch waited up to 10 s before the agent even began (the rollout bench's
// timeline: intent → agent ~5–11 s, against ~1 s of restart), so the pacing's in-flight slots
// sat idle. Hot (1 s) are the nodes a running rollout moves now or next: records waiting or
// switching in the current wave step and the next one (two steps on: a bake sits between), and
// reverts; near a phase's end (no record beyond the next wave), the nodes already done with it
// when a later phase remains (they are its canary and first wave). Not the whole fleet at once:
// 1 s heartbeats cost the API, and a node at 1 s is called stale after 3 s of silence.
// Only this process's replies know it (the leader's); the others still answer 1 s once the
// desired stage differs from the reported one.

const isMoving = (status: RolloutState['status']) => status === 'running' || status === 'rolling_back';
/** The current wave step and the next wave step (a bake between them). */
const LOOKAHEAD_STEPS = 2;

export function hotNodesOf(state: RolloutState, phases: readonly string[]): Set<string> {
  const hot = new Set<string>();
  if (!isMoving(state.status)) return hot;
  const horizon = state.stepIndex + LOOKAHEAD_STEPS;
  const isSoon = (record: RolloutNodeRecord) =>
    record.direction === 'revert' || record.stepIndex === null || record.stepIndex <= horizon;
  const current = state.nodes.filter((record) => record.phase === state.phase);
  const isNearPhaseEnd = current.every((record) => record.stepIndex === null || record.stepIndex <= horizon);
  const hasLaterPhase = state.phase !== null && phases.indexOf(state.phase) < phases.length - 1;
  for (const record of state.nodes) {
    const isUnsettled = (record.state === 'waiting' || record.state === 'switching') && isSoon(record);
    const isNextPhases = hasLaterPhase && isNearPhaseEnd && record.phase === state.phase && record.state === 'switched';
    if (isUnsettled || isNextPhases) hot.add(record.nodeId);
  }
  return hot;
}

/** Wraps a pass so that each decision updates the hot set; `isHot` is O(1) per heartbeat. */
export function trackHotNodes(pass: RolloutPass): { pass: RolloutPass; isHot: (nodeId: string) => boolean } {
  const byRollout = new Map<string, Set<string>>();
  let merged = new Set<string>();
  const tracked: RolloutPass = async (id, observations, nowMs, control) => {
    const result = await pass(id, observations, nowMs, control);
    const state = result.row.state as unknown as RolloutState;
    const hot = hotNodesOf(state, (result.row.spec as unknown as RolloutSpec).phases);
    if (hot.size > 0) byRollout.set(id, hot);
    else byRollout.delete(id);
    merged = new Set([...byRollout.values()].flatMap((set) => [...set]));
    return result;
  };
  return { pass: tracked, isHot: (nodeId) => merged.has(nodeId) };
}
