import type { RolloutObservations } from './observations';
import { quantityOf, stepHash } from './spec';
import { countIn, eligibleOf, recordsOf } from './state';
import type { RolloutSpec, RolloutState } from './types';

// Gates: conditions that stop a running rollout for a human. Each has a stable key; a
// human's `resume` (with a reason) lets the rollout run past the keys firing then, and a
// key is forgotten once its condition clears, so a recurrence pauses again. Acknowledging
// an alarm changes nothing here: only resume does.

export interface Gate {
  readonly key: string;
  readonly reason: string;
  /** Alarm-like gates roll the current wave back under onAlarm = rollback_wave. */
  readonly isAlarm: boolean;
}

/** Nodes the rollout is moving or has moved: skipped and blocked nodes do not gate it. */
function activeNodeIds(state: RolloutState): Set<string> {
  const ids = new Set<string>();
  for (const record of state.nodes)
    if (record.state !== 'skipped' && record.state !== 'blocked') ids.add(record.nodeId);
  return ids;
}

function scopeDatabaseIds(
  spec: RolloutSpec,
  active: ReadonlySet<string>,
  observations: RolloutObservations,
): Set<string> {
  const ids = new Set<string>(spec.scope.kind === 'database' ? [spec.scope.databaseId] : []);
  for (const node of observations.nodes) {
    if (!active.has(node.nodeId)) continue;
    if (node.rwDatabaseId !== null) ids.add(node.rwDatabaseId);
    if (node.hasReadOnlyConnection && node.roDatabaseId !== null) ids.add(node.roDatabaseId);
  }
  return ids;
}

export function firingGates(spec: RolloutSpec, state: RolloutState, observations: RolloutObservations): Gate[] {
  const gates: Gate[] = [];
  const active = activeNodeIds(state);
  const databases = scopeDatabaseIds(spec, active, observations);
  const startedAtMs = state.startedAtMs ?? Number.NEGATIVE_INFINITY;
  for (const alarm of observations.alarms) {
    // Only alarms opened during the rollout: one already open was there when a human started it.
    if (alarm.openedAtMs < startedAtMs) continue;
    const subject =
      alarm.databaseId !== undefined && databases.has(alarm.databaseId)
        ? `database ${alarm.databaseId}`
        : alarm.nodeId !== undefined && active.has(alarm.nodeId)
          ? `node ${alarm.nodeId}`
          : null;
    if (subject !== null)
      gates.push({ key: `alarm:${alarm.id}`, reason: `alarm ${alarm.kind} on ${subject}`, isAlarm: true });
  }
  for (const node of observations.nodes) {
    if (!active.has(node.nodeId)) continue;
    if (node.isStale)
      gates.push({ key: `stale:${node.nodeId}`, reason: `node ${node.nodeId} is stale`, isAlarm: true });
    if (node.authFailuresInWindow > 0)
      gates.push({
        key: `auth:${node.nodeId}`,
        reason: `node ${node.nodeId} failed IAM authentication (${node.authFailuresInWindow} in the window)`,
        isAlarm: true,
      });
  }
  for (const gate of observations.externalGates ?? [])
    if (gate.state === 'ALARM')
      gates.push({ key: `external:${gate.name}`, reason: `external alarm ${gate.name} in ALARM`, isAlarm: true });
  if (state.phase !== null) {
    const records = recordsOf(state, state.phase);
    const failed = countIn(records, 'failed');
    const limit = quantityOf(spec.failureLimit, eligibleOf(records).length);
    if (failed > limit)
      gates.push({
        key: `failure-limit:${state.phase}:${failed}`,
        reason: `${failed} failed switches in ${state.phase}, past the failure limit of ${limit}`,
        isAlarm: false,
      });
  }
  const hash = stepHash(spec);
  if (state.stepHash !== null && state.stepHash !== hash)
    gates.push({
      key: `plan-edited:${hash}`,
      reason: 'the plan was edited while running: review it and resume',
      isAlarm: false,
    });
  return gates;
}

/** Firing gates a human has not resumed past. */
export function newGates(gates: readonly Gate[], state: RolloutState): Gate[] {
  const resumed = new Set(state.resumedGateKeys);
  return gates.filter((gate) => !resumed.has(gate.key));
}

/** Resumed keys that still fire: the others are forgotten so that a recurrence pauses again. */
export function stillResumed(gates: readonly Gate[], state: RolloutState): string[] {
  const firing = new Set(gates.map((gate) => gate.key));
  return state.resumedGateKeys.filter((key) => firing.has(key));
}
