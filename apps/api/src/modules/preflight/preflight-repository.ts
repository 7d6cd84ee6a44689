import type { PreflightCheck, PreflightResult, PreflightStage } from '@iamroll/contracts';
import type pg from 'pg';
import type { SqlClient } from '../../db/sql';

// node_preflight (capability, pending request, override) and node_preflight_results (the latest
// result per node and stage). Raw SQL: the heartbeat path writes here when a report arrives.

export interface StoredResult {
  readonly stage: PreflightStage;
  readonly requestId: string;
  readonly checkedAt: Date;
  readonly receivedAt: Date;
  readonly isPassed: boolean;
  readonly checks: PreflightCheck[];
}

export interface StoredPreflight {
  readonly nodeId: string;
  readonly isCapable: boolean;
  readonly pending: {
    readonly requestId: string;
    readonly stages: PreflightStage[];
    readonly requestedAt: Date;
  } | null;
  readonly override: { readonly by: string; readonly reason: string; readonly at: Date } | null;
  /** When the latest request was made (kept once answered: an answer still too old is then blocked, not re-asked). */
  readonly lastRequestedAt: Date | null;
  readonly results: StoredResult[];
}

interface StateRow {
  nodeId: string;
  isCapable: boolean;
  pendingRequestId: string | null;
  pendingStages: PreflightStage[];
  requestedAt: Date | null;
  overrideBy: string | null;
  overrideReason: string | null;
  overrideAt: Date | null;
}

interface ResultRow extends StoredResult {
  nodeId: string;
}

export interface PendingWrite {
  readonly nodeId: string;
  readonly requestId: string;
  readonly stages: readonly PreflightStage[];
}

export function createPreflightRepository(pool: pg.Pool) {
  async function load(nodeIds?: readonly string[]): Promise<StoredPreflight[]> {
    const filter = nodeIds ? 'WHERE node_id = ANY($1::uuid[])' : '';
    const params = nodeIds ? [nodeIds] : [];
    const [states, results] = await Promise.all([
      pool.query<StateRow>(
        `SELECT node_id AS "nodeId", is_capable AS "isCapable", pending_request_id AS "pendingRequestId",
                pending_stages AS "pendingStages", requested_at AS "requestedAt", override_by AS "overrideBy",
                override_reason AS "overrideReason", override_at AS "overrideAt"
           FROM node_preflight ${filter}`,
        params,
      ),
      pool.query<ResultRow>(
        `SELECT node_id AS "nodeId", stage, request_id AS "requestId", checked_at AS "checkedAt",
                received_at AS "receivedAt", is_passed AS "isPassed", checks
           FROM node_preflight_results ${filter} ORDER BY stage`,
        params,
      ),
    ]);
    const byNode = new Map<string, StoredPreflight>();
    const entry = (nodeId: string): StoredPreflight => {
      let found = byNode.get(nodeId);
      if (!found)
        byNode.set(
          nodeId,
          (found = { nodeId, isCapable: false, pending: null, override: null, lastRequestedAt: null, results: [] }),
        );
      return found;
    };
    for (const row of states.rows)
      byNode.set(row.nodeId, {
        nodeId: row.nodeId,
        isCapable: row.isCapable,
        pending:
          row.pendingRequestId !== null && row.requestedAt !== null
            ? { requestId: row.pendingRequestId, stages: row.pendingStages, requestedAt: row.requestedAt }
            : null,
        override:
          row.overrideBy !== null && row.overrideReason !== null && row.overrideAt !== null
            ? { by: row.overrideBy, reason: row.overrideReason, at: row.overrideAt }
            : null,
        lastRequestedAt: row.requestedAt,
        results: [],
      });
    for (const row of results.rows) {
      const { nodeId, ...result } = row;
      entry(nodeId).results.push(result);
    }
    return [...byNode.values()];
  }

  return {
    load,
    async setCapable(nodeId: string, isCapable: boolean): Promise<void> {
      await pool.query(
        `INSERT INTO node_preflight (node_id, is_capable) SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM nodes WHERE id = $1)
         ON CONFLICT (node_id) DO UPDATE SET is_capable = EXCLUDED.is_capable, updated_at = now()`,
        [nodeId, isCapable],
      );
    },
    /** Replaces each node's pending request (a newer request supersedes an unanswered one). */
    async setPending(writes: readonly PendingWrite[], requestedAt: Date, sql: SqlClient = pool): Promise<void> {
      if (writes.length === 0) return;
      await sql.query(
        `INSERT INTO node_preflight (node_id, pending_request_id, pending_stages, requested_at)
         SELECT w.node_id, w.request_id, string_to_array(w.stages, ','), $4
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS w(node_id, request_id, stages)
          WHERE EXISTS (SELECT 1 FROM nodes WHERE id = w.node_id)
         ON CONFLICT (node_id) DO UPDATE SET pending_request_id = EXCLUDED.pending_request_id,
           pending_stages = EXCLUDED.pending_stages, requested_at = EXCLUDED.requested_at, updated_at = now()`,
        [
          writes.map((w) => w.nodeId),
          writes.map((w) => w.requestId),
          writes.map((w) => w.stages.join(',')),
          requestedAt,
        ],
      );
    },
    /** The latest result per stage; the pending request is cleared when this answers it. */
    async storeReport(
      nodeId: string,
      requestId: string,
      results: readonly PreflightResult[],
      receivedAt: Date,
      sql: SqlClient = pool,
    ): Promise<void> {
      await sql.query(
        `INSERT INTO node_preflight_results (node_id, stage, request_id, checked_at, received_at, is_passed, checks)
         SELECT $1, r.stage, $2, r.checked_at, $3, r.is_passed, r.checks
           FROM jsonb_to_recordset($4::jsonb) AS r(stage text, checked_at timestamptz, is_passed boolean, checks jsonb)
         ON CONFLICT (node_id, stage) DO UPDATE SET request_id = EXCLUDED.request_id, checked_at = EXCLUDED.checked_at,
           received_at = EXCLUDED.received_at, is_passed = EXCLUDED.is_passed, checks = EXCLUDED.checks`,
        [
          nodeId,
          requestId,
          receivedAt,
          JSON.stringify(
            results.map((r) => ({ stage: r.stage, checked_at: r.checkedAt, is_passed: r.isPassed, checks: r.checks })),
          ),
        ],
      );
      await sql.query(
        `UPDATE node_preflight SET pending_request_id = NULL, pending_stages = '{}', updated_at = now()
          WHERE node_id = $1 AND pending_request_id = $2`,
        [nodeId, requestId],
      );
    },
    async setOverride(nodeId: string, by: string, reason: string, at: Date, sql: SqlClient = pool): Promise<void> {
      await sql.query(
        `INSERT INTO node_preflight (node_id, override_by, override_reason, override_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (node_id) DO UPDATE SET override_by = EXCLUDED.override_by, override_reason = EXCLUDED.override_reason,
           override_at = EXCLUDED.override_at, updated_at = now()`,
        [nodeId, by, reason, at],
      );
    },
    /** Returns whether there was an override to clear. */
    async clearOverride(nodeId: string, sql: SqlClient = pool): Promise<boolean> {
      const { rowCount } = await sql.query(
        `UPDATE node_preflight SET override_by = NULL, override_reason = NULL, override_at = NULL, updated_at = now()
          WHERE node_id = $1 AND override_by IS NOT NULL`,
        [nodeId],
      );
      return (rowCount ?? 0) > 0;
    },
  };
}

export type PreflightRepository = ReturnType<typeof createPreflightRepository>;
