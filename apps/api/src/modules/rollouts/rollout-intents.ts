import { ENGINE_ACTOR, type CurrentIamStage, type RolloutIntent, type RolloutState } from '@iamroll/core/rollout';
import type { AuditEntry } from '../audit/audit-repository';
import { SYSTEM_ACTOR, type Actor } from '../auth/principal';

// What each intent decide() returned becomes: desired stages (switch, revert, finalize),
// audit entries (every intent, by the engine or by the human behind a control) and webhook
// notifications (pauses waiting for a human, node failures, completion, rollback).

export interface DesiredUpdate {
  readonly nodeId: string;
  readonly stage: 'password' | 'ro_iam' | 'rw_iam';
  readonly finalize: 'remove-passwords' | 'finalized' | null;
  /** `original`: the agent puts back its byte-identical backup (a mixed node's rollback). */
  readonly restore: 'original' | null;
  /** When the agent is to begin (the reply's `switchAt`, memory only): a switch planned for a later second. */
  readonly switchAtMs?: number | null;
}

export interface Notification {
  readonly event:
    'rollout.paused' | 'rollout.node_failed' | 'rollout.completed' | 'rollout.rollback' | 'rollout.rolled_back';
  readonly data: Record<string, unknown>;
}

export interface IntentWrites {
  readonly desired: DesiredUpdate[];
  readonly audit: AuditEntry[];
  readonly notifications: Notification[];
}

/**
 * A mixed node (rw on IAM, ro on passwords) has no desired stage of its own in the heartbeat
 * contract. Reverting it to where it started asks for `rw_iam` with `restore: "original"`: its
 * agent puts back the byte-identical configuration it backed up before its first switch (ro
 * on passwords again), and reports the mixed stage, which settles the revert. An agent that
 * does not know `restore` keeps rw_iam: the engine then fails the revert after its timeout.
 */
function desiredOf(stage: CurrentIamStage, kind: 'switch' | 'revert'): Pick<DesiredUpdate, 'stage' | 'restore'> {
  if (stage !== 'rw_iam_ro_password') return { stage, restore: null };
  return { stage: 'rw_iam', restore: kind === 'revert' ? 'original' : null };
}

const CONTROL_INTENTS = new Set(['start', 'pause', 'resume', 'abort', 'rollback']);

export function intentWrites(
  rolloutId: string,
  intents: readonly RolloutIntent[],
  state: RolloutState,
  desiredOfNode: (nodeId: string) => DesiredUpdate['stage'],
  controlActor: Actor | null,
): IntentWrites {
  const writes: IntentWrites = { desired: [], audit: [], notifications: [] };
  const base = { subjectType: 'rollout', subjectId: rolloutId } as const;
  const summary = { rolloutId, status: state.status, phase: state.phase, message: state.message };
  for (const intent of intents) {
    const isEngine = !('by' in intent) || intent.by === ENGINE_ACTOR;
    // Controls are audited once, by the service, with the human's own entry.
    if (CONTROL_INTENTS.has(intent.kind) && !isEngine && controlActor !== null) {
      if (intent.kind === 'rollback')
        writes.notifications.push({
          event: 'rollout.rollback',
          data: { ...summary, by: intent.by, reason: intent.reason },
        });
      if (intent.kind === 'pause')
        writes.notifications.push({
          event: 'rollout.paused',
          data: { ...summary, by: intent.by, reason: intent.reason },
        });
      continue;
    }
    const actor = SYSTEM_ACTOR;
    switch (intent.kind) {
      case 'switch':
      case 'revert':
        for (const nodeId of intent.nodeIds) {
          writes.desired.push({
            nodeId,
            ...desiredOf(intent.stage, intent.kind),
            finalize: null,
            switchAtMs: intent.kind === 'switch' ? (intent.startAtMs ?? null) : null,
          });
          writes.audit.push({
            actor,
            action: `rollout.${intent.kind}`,
            ...base,
            data: { nodeId, stage: intent.stage, ...('phase' in intent ? { phase: intent.phase } : {}) },
          });
        }
        break;
      case 'finalize':
        for (const nodeId of intent.nodeIds)
          writes.desired.push({ nodeId, stage: desiredOfNode(nodeId), finalize: 'remove-passwords', restore: null });
        writes.audit.push({ actor, action: 'rollout.finalize_nodes', ...base, data: { nodeIds: intent.nodeIds } });
        break;
      case 'node_failed':
        writes.audit.push({
          actor,
          action: 'rollout.node_failed',
          ...base,
          reason: intent.reason,
          data: { nodeId: intent.nodeId },
        });
        writes.notifications.push({
          event: 'rollout.node_failed',
          data: { ...summary, nodeId: intent.nodeId, reason: intent.reason },
        });
        break;
      case 'pause':
        writes.audit.push({ actor, action: 'rollout.pause', ...base, reason: intent.reason });
        writes.notifications.push({
          event: 'rollout.paused',
          data: { ...summary, by: intent.by, reason: intent.reason },
        });
        break;
      case 'complete':
        writes.audit.push({ actor, action: 'rollout.complete', ...base });
        writes.notifications.push({ event: 'rollout.completed', data: summary });
        break;
      case 'rolled_back':
        writes.audit.push({ actor, action: 'rollout.rolled_back', ...base });
        writes.notifications.push({ event: 'rollout.rolled_back', data: summary });
        break;
      case 'phase_started':
        writes.audit.push({ actor, action: 'rollout.phase_started', ...base, data: { phase: intent.phase } });
        break;
      default:
        writes.audit.push({
          actor,
          action: `rollout.${intent.kind}`,
          ...base,
          reason: intent.reason,
        });
    }
  }
  return writes;
}
