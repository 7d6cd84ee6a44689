import {
  decide,
  ENGINE_ACTOR,
  isInScope,
  nodeViews,
  type ControlOutcome,
  type ControlRequest,
  type RolloutSpec,
  type RolloutState,
} from '@iamroll/core/rollout';
import type { Db, PrismaClient } from '../../db/prisma-client';
import { isSameStoredJson } from '../../db/stored-json';
import { AppError } from '../../errors';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import type { Actor } from '../auth/principal';
import type { NodeRegistry } from '../nodes/node-registry';
import { intentWrites, type DesiredUpdate } from './rollout-intents';
import type { FleetObservations } from './rollout-observations';
import { toRolloutSummary } from './rollout-view';
import { isActiveStatus, type RolloutRow, type RolloutsRepository } from './rollouts-repository';
import type { WebhookOutbox } from './webhook-outbox';

// One decision, one transaction: lock the rollout row, decide() on its stored state and
// the observations, then write the new state (revision + 1), its rollout_nodes projection,
// the desired stages its switch/revert intents set, their audit entries, the webhook
// outbox rows and the `rollout.updated` event, all committing together or not at all.
// Exactly once: a switch is issued only on the transition waiting → switching, which is
// stored in the same commit as the desired stage, so a crash before the commit issues
// nothing and one after it finds the node already switching (in flight, not a candidate).

export interface PassDeps {
  readonly prisma: PrismaClient;
  readonly rollouts: RolloutsRepository;
  readonly audit: AuditRepository;
  readonly events: EventBus;
  readonly outbox: WebhookOutbox;
  readonly registry: NodeRegistry;
}

export interface PassControl {
  readonly request: ControlRequest;
  readonly actor: Actor;
  /** Runs under the row lock before decide(), in the pass's transaction: a throw refuses the control. */
  readonly check?: (row: RolloutRow, tx: Db) => Promise<void>;
}

export interface PassResult {
  readonly row: RolloutRow;
  readonly outcome: ControlOutcome | undefined;
}

const stateOf = (row: RolloutRow) => row.state as unknown as RolloutState;
const specOf = (row: RolloutRow) => row.spec as unknown as RolloutSpec;

/**
 * What decide() may see for this rollout: CloudWatch alarms of the databases in its scope only
 * (the scope's database, and every database a node in scope connects to: its switches reconnect them).
 */
function observationsFor(spec: RolloutSpec, observations: FleetObservations): FleetObservations {
  const databaseIds = new Set(spec.scope.kind === 'database' ? [spec.scope.databaseId] : []);
  for (const node of observations.nodes) {
    if (!isInScope(spec.scope, node)) continue;
    if (node.rwDatabaseId !== null) databaseIds.add(node.rwDatabaseId);
    if (node.hasReadOnlyConnection && node.roDatabaseId !== null) databaseIds.add(node.roDatabaseId);
  }
  return { ...observations, externalGates: observations.externalGates.filter((g) => databaseIds.has(g.databaseId)) };
}

function heldElsewhere(
  state: RolloutState,
  holders: readonly { nodeId: string; rolloutId: string }[],
  nowMs: number,
): RolloutState {
  const first = holders[0]!;
  const reason = `node ${first.nodeId} is held by rollout ${first.rolloutId}: one rollout at a time per node`;
  return {
    ...state,
    status: 'paused',
    pause: { by: ENGINE_ACTOR, reason, atMs: nowMs, gateKeys: [] },
    message: `Paused: ${reason}.`,
  };
}

export function createRolloutPass(deps: PassDeps) {
  const { prisma, rollouts, audit, events, outbox, registry } = deps;

  return async function pass(
    id: string,
    observations: FleetObservations,
    nowMs: number,
    control?: PassControl,
  ): Promise<PassResult> {
    let desired: DesiredUpdate[] = [];
    const result = await prisma.$transaction(async (tx) => {
      const row = await rollouts.lock(id, tx);
      if (!row) throw AppError.notFound('The rollout');
      if (control?.check) await control.check(row, tx);
      const spec = specOf(row);
      const before = stateOf(row);
      const decision = decide(
        { spec, state: before },
        { ...observationsFor(spec, observations), controls: control ? [control.request] : [] },
        nowMs,
      );
      const outcome = decision.controls[0];
      if (control && outcome && !outcome.isAccepted) throw AppError.conflict(outcome.refusal ?? 'refused');
      let state = decision.state;
      // As stored (jsonb): decide() keeps unchanged records' objects, so this is cheap at 10,000 nodes (two
      // JSON.stringify of the whole state were 12–32 ms of the event loop every pass).
      if (isSameStoredJson(state, before)) return { row, outcome };

      const holding = nodeViews(state).filter((v) => v.state !== 'skipped' && v.state !== 'blocked');
      const holders = isActiveStatus(state.status)
        ? await rollouts.holders(
            holding.map((v) => v.nodeId),
            id,
            tx,
          )
        : [];
      let intents = decision.intents;
      if (holders.length > 0) {
        // Nothing this decision wanted happens: the rollout waits for a human instead (audited, notified).
        state = heldElsewhere(before, holders, nowMs);
        intents = [{ kind: 'pause', by: ENGINE_ACTOR, reason: state.pause?.reason ?? '' }];
      }

      const written = await rollouts.writeState(row, state, tx);
      await rollouts.writeProjection(id, state, tx);
      const writes = intentWrites(
        id,
        intents,
        state,
        (nodeId) => registry.get(nodeId)?.desiredStage ?? 'rw_iam',
        control?.actor ?? null,
      );
      await rollouts.setDesired(writes.desired, tx);
      if (control && outcome?.isAccepted)
        await audit.record(
          {
            actor: control.actor,
            action: `rollout.${control.request.kind}`,
            subjectType: 'rollout',
            subjectId: id,
            reason: control.request.reason,
            data: { status: state.status, phase: state.phase },
          },
          tx,
        );
      // Who did what and why, on the stream too (the summary alone does not say who resumed).
      if (control && outcome?.isAccepted)
        await events.notifyIn(tx, 'rollout.control', {
          rolloutId: id,
          control: control.request.kind,
          by: control.request.by,
          reason: control.request.reason,
          at: new Date(control.request.atMs).toISOString(),
          status: state.status,
        });
      for (const entry of writes.audit) await audit.record(entry, tx);
      await outbox.enqueue(writes.notifications, tx);
      await events.notifyIn(tx, 'rollout.updated', toRolloutSummary(written));
      desired = writes.desired;
      return { row: written, outcome };
    });
    // The heartbeat reply reads memory: this process learns at once, the others on their refresh.
    for (const update of desired) {
      const entry = registry.get(update.nodeId);
      if (!entry) continue;
      registry.desire(entry, {
        desiredStage: update.stage,
        finalize: update.finalize,
        restore: update.restore,
        switchAtMs: update.switchAtMs ?? null,
      });
    }
    return result;
  };
}

export type RolloutPass = ReturnType<typeof createRolloutPass>;
