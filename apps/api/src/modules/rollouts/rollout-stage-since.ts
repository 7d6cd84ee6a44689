import type { NodeObservation } from '@iamroll/core/rollout';
import type pg from 'pg';
import type { NodeEntry, NodeRegistry } from '../nodes/node-registry';
import type { FleetObservations, ObserveRollouts } from './rollout-observations';

// Since when each node has been on its stage (NodeObservation.stageSinceMs): what "read-write
// waits until every node in scope ran read-only on IAM healthily for the bake time" needs for
// nodes this rollout did not switch itself (already on ro_iam when it started). PostgreSQL
// knows it without a new column: every change of a node's stage or auth modes is audited as
// `node.report` with the changed fields, so the latest such entry is when the node reached
// its current stage; with none, it has been there since it enrolled. A change still in this
// process's memory, not yet written, counts from now. Conservative on every path: the audit
// entry is written after the heartbeat that carried the change, never before.

/** The report fields that make up the engine's stage (mixed included). */
const STAGE_FIELDS = ['stage', 'rwAuthMode', 'roAuthMode'] as const;

function isStageUnwritten(entry: NodeEntry): boolean {
  const { report, persisted } = entry;
  return report !== undefined && STAGE_FIELDS.some((field) => report[field] !== persisted[field]);
}

export function createStageSince(pool: pg.Pool) {
  /** Node id → when it reached its stage as written (epoch ms), for these nodes. */
  return async function stageSince(nodeIds: readonly string[]): Promise<Map<string, number>> {
    if (nodeIds.length === 0) return new Map();
    const { rows } = await pool.query<{ id: string; sinceMs: number }>(
      `SELECT n.id,
              (extract(epoch FROM COALESCE(
                 (SELECT a.at FROM audit_events a
                   WHERE a.subject_type = 'node' AND a.subject_id = n.id::text AND a.action = 'node.report'
                     AND (a.data -> 'changes') ?| $2::text[]
                   ORDER BY a.at DESC LIMIT 1),
                 n.created_at)) * 1000)::float8 AS "sinceMs"
         FROM nodes n WHERE n.id = ANY($1::uuid[])`,
      [[...nodeIds], [...STAGE_FIELDS]],
    );
    return new Map(rows.map((row) => [row.id, row.sinceMs]));
  };
}

export type StageSince = ReturnType<typeof createStageSince>;

/** The observations with each node's stageSinceMs filled (rollout-observations.ts leaves it null). */
export function withStageSince(observe: ObserveRollouts, registry: NodeRegistry, stageSince: StageSince) {
  return async function observeWithStageSince(nowMs: number): Promise<FleetObservations> {
    const observations = await observe(nowMs);
    const since = await stageSince(observations.nodes.map((node) => node.nodeId));
    const nodes = observations.nodes.map((node): NodeObservation => {
      const entry = registry.get(node.nodeId);
      const sinceMs = entry !== undefined && isStageUnwritten(entry) ? nowMs : (since.get(node.nodeId) ?? null);
      return { ...node, stageSinceMs: sinceMs === null ? null : Math.min(sinceMs, nowMs) };
    });
    return { ...observations, nodes };
  };
}
