import { randomBytes } from 'node:crypto';
import type { NodePreflightView, PreflightStage, RunPreflightBody } from '@iamroll/contracts';
import type pg from 'pg';
import { inTransaction } from '../../db/sql';
import { AppError } from '../../errors';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditEntry, AuditRepository } from '../audit/audit-repository';
import { SYSTEM_ACTOR, type Actor } from '../auth/principal';
import type { NodeRegistry } from '../nodes/node-registry';
import { PREFLIGHT_EVENT } from './heartbeat-hook';
import type { PreflightMemory } from './preflight-memory';
import type { PendingWrite, PreflightRepository } from './preflight-repository';

// The preflight API's operations: the node's view, a run asked for by an operator or by a
// rollout, and an admin's override. Each change commits with its audit entry and its
// `node.preflight` event (which also tells every API process to reload the node's state).

export interface PreflightServiceDeps {
  readonly pool: pg.Pool;
  readonly repository: PreflightRepository;
  readonly memory: PreflightMemory;
  readonly registry: NodeRegistry;
  readonly audit: AuditRepository;
  readonly events: EventBus;
  readonly nowMs: () => number;
}

const ALL_STAGES: readonly PreflightStage[] = ['ro_iam', 'rw_iam'];
/** NOTIFY payloads stay under 8000 bytes: a bigger batch announces itself in several events. */
const NODES_PER_EVENT = 100;

/** `pf-<time>-<random>`: unique per request, so an agent never mistakes a new request for one it answered. */
export function newRequestId(nowMs: number): string {
  return `pf-${nowMs.toString(36)}-${randomBytes(6).toString('hex')}`;
}

export function createPreflightService(deps: PreflightServiceDeps) {
  const { pool, repository, memory, registry, audit, events, nowMs } = deps;

  const assertNode = (nodeId: string): void => {
    if (!registry.get(nodeId)) throw AppError.notFound('The node');
  };

  const eventPayloads = (nodeIds: readonly string[], data: Record<string, unknown> = {}) => {
    const payloads: string[] = [];
    for (let i = 0; i < nodeIds.length; i += NODES_PER_EVENT)
      payloads.push(events.payload(PREFLIGHT_EVENT, { nodeIds: nodeIds.slice(i, i + NODES_PER_EVENT), ...data }));
    return payloads;
  };

  async function view(nodeId: string): Promise<NodePreflightView> {
    assertNode(nodeId);
    const [stored] = await repository.load([nodeId]);
    const now = nowMs();
    return {
      nodeId,
      results: (stored?.results ?? []).map((result) => ({
        stage: result.stage,
        checkedAt: result.checkedAt.toISOString(),
        ageSeconds: Math.max(0, Math.round((now - result.checkedAt.getTime()) / 1000)),
        isPassed: result.isPassed,
        checks: result.checks,
      })),
      pending: stored?.pending
        ? {
            requestId: stored.pending.requestId,
            stages: stored.pending.stages,
            requestedAt: stored.pending.requestedAt.toISOString(),
          }
        : null,
      override: stored?.override
        ? { by: stored.override.by, reason: stored.override.reason, at: stored.override.at.toISOString() }
        : null,
    };
  }

  /** Writes pending requests with their audit entries and events; memory follows at once here. */
  async function request(writes: readonly PendingWrite[], entries: readonly AuditEntry[]): Promise<void> {
    const requestedAtMs = nowMs();
    await inTransaction(pool, async (client) => {
      await repository.setPending(writes, new Date(requestedAtMs), client);
      await audit.recordMany(entries, client);
      await events.notifyManyIn(
        client,
        eventPayloads(
          writes.map((w) => w.nodeId),
          { pending: true },
        ),
      );
    });
    for (const write of writes) {
      const entry = memory.entry(write.nodeId);
      entry.pending = { requestId: write.requestId, stages: write.stages, requestedAtMs };
      entry.lastRequestedAtMs = requestedAtMs;
    }
  }

  return {
    view,

    async run(actor: Actor, nodeId: string, body: RunPreflightBody): Promise<NodePreflightView> {
      assertNode(nodeId);
      if (memory.get(nodeId)?.isCapable !== true)
        throw AppError.conflict(
          "This node's agent does not run preflight (its heartbeats report no `preflight` capability): upgrade the agent, or run `iamroll preflight --kong-conf PATH --to ro_iam|rw_iam` on the node.",
        );
      const stages = [...new Set(body.stages ?? ALL_STAGES)];
      const requestId = newRequestId(nowMs());
      await request(
        [{ nodeId, requestId, stages }],
        [
          {
            actor,
            action: 'node.preflight_requested',
            subjectType: 'node',
            subjectId: nodeId,
            reason: body.reason,
            data: { requestId, stages },
          },
        ],
      );
      return view(nodeId);
    },

    /** A rollout's paced requests (preflightRequests in core/rollout): one audit entry per batch. */
    async requestForRollout(
      rolloutId: string,
      requests: readonly { nodeId: string; stages: readonly PreflightStage[] }[],
    ): Promise<void> {
      const known = requests.filter((r) => registry.get(r.nodeId) && memory.get(r.nodeId)?.isCapable);
      if (known.length === 0) return;
      const writes = known.map((r) => ({ nodeId: r.nodeId, requestId: newRequestId(nowMs()), stages: r.stages }));
      await request(writes, [
        {
          actor: SYSTEM_ACTOR,
          action: 'rollout.preflight_requested',
          subjectType: 'rollout',
          subjectId: rolloutId,
          data: { nodes: writes.map((w) => ({ nodeId: w.nodeId, stages: w.stages, requestId: w.requestId })) },
        },
      ]);
    },

    async override(actor: Actor, nodeId: string, reason: string): Promise<NodePreflightView> {
      assertNode(nodeId);
      const atMs = nowMs();
      const by = actor.actorName ?? actor.actorType;
      await inTransaction(pool, async (client) => {
        await repository.setOverride(nodeId, by, reason, new Date(atMs), client);
        await audit.recordMany(
          [{ actor, action: 'node.preflight_override', subjectType: 'node', subjectId: nodeId, reason }],
          client,
        );
        await events.notifyManyIn(client, eventPayloads([nodeId], { override: true }));
      });
      memory.entry(nodeId).override = { by, reason, atMs };
      return view(nodeId);
    },

    async clearOverride(actor: Actor, nodeId: string, reason: string): Promise<NodePreflightView> {
      assertNode(nodeId);
      await inTransaction(pool, async (client) => {
        if (!(await repository.clearOverride(nodeId, client)))
          throw AppError.conflict('This node has no preflight override to clear.');
        await audit.recordMany(
          [{ actor, action: 'node.preflight_override_cleared', subjectType: 'node', subjectId: nodeId, reason }],
          client,
        );
        await events.notifyManyIn(client, eventPayloads([nodeId], { override: false }));
      });
      memory.entry(nodeId).override = null;
      return view(nodeId);
    },
  };
}

export type PreflightService = ReturnType<typeof createPreflightService>;
