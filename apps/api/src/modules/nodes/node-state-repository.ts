import type { NodeStage } from '@iamroll/contracts';
import type { CounterSnapshot, KindCounters } from '@iamroll/core/rates';
import type pg from 'pg';
import { numberArrayLiteral } from '../../db/array-literal';
import type { SqlClient } from '../../db/sql';
import { NODE_REPORT_COLUMNS, REPORT_FIELDS, type NodeReport, type ReportChanges } from './node-report';

/** A node as the once-a-second refresh reads it: no counters (only a start seeds FleetRates from them). */
export type NodeRefreshRow = NodeReport & {
  readonly id: string;
  readonly hostname: string;
  readonly desiredStage: NodeStage;
  /** The heartbeat reply's `finalize` (set by rollouts). */
  readonly finalize: 'remove-passwords' | 'finalized' | null;
  /** The heartbeat reply's `restore` (set by rollouts with desired_stage). */
  readonly restore: 'original' | null;
  readonly lastSeenMs: number | null;
  readonly updatedMs: number;
};

/** A node as the in-memory registry loads it. */
export type NodeStateRow = NodeRefreshRow & {
  readonly bootId: string | null;
  readonly lastSeq: number | null;
  readonly lastCounters: unknown;
};

/** A changed row as the refresh sees it: decommissioned ones leave the registry. */
export type NodeChangeRow = NodeRefreshRow & { readonly isDecommissioned: boolean };

// Enums come back as text; numbers must stay numbers.
const selectOf = (field: (typeof REPORT_FIELDS)[number]): string => {
  const { column, pgType } = NODE_REPORT_COLUMNS[field];
  return pgType === 'int' ? `${column} AS "${field}"` : `${column}::text AS "${field}"`;
};
const REFRESH_COLUMNS = `id, hostname, ${REPORT_FIELDS.map(selectOf).join(', ')},
  desired_stage::text AS "desiredStage", finalize, restore, (extract(epoch FROM last_seen_at) * 1000)::float8 AS "lastSeenMs",
  (extract(epoch FROM updated_at) * 1000)::float8 AS "updatedMs"`;
const STATE_COLUMNS = `${REFRESH_COLUMNS}, boot_id AS "bootId", last_seq AS "lastSeq", last_counters AS "lastCounters"`;

/**
 * `UPDATE … FROM unnest(...)` of every report column: $1 the ids, then one array per
 * report field in NODE_REPORT_COLUMNS order, then the details.
 */
const WRITE_REPORTS_SQL = (() => {
  const columns = REPORT_FIELDS.map((field) => NODE_REPORT_COLUMNS[field].column);
  const arrays = REPORT_FIELDS.map((field, i) => `$${i + 2}::${NODE_REPORT_COLUMNS[field].pgType}[]`);
  return `UPDATE nodes n SET ${columns.map((column) => `${column} = u.${column}`).join(', ')},
       effective_config = COALESCE(u.details::jsonb -> 0, n.effective_config),
       lint_findings = COALESCE(u.details::jsonb -> 1, n.lint_findings),
       updated_at = clock_timestamp()
     FROM unnest($1::uuid[], ${arrays.join(', ')}, $${columns.length + 2}::text[])
       AS u(id, ${columns.join(', ')}, details)
    WHERE n.id = u.id
    RETURNING n.id, (extract(epoch FROM n.updated_at) * 1000)::float8 AS "updatedMs"`;
})();

/** One node's report to write, with what changed for the audit log and the event stream. */
export interface ReportWrite {
  readonly id: string;
  readonly hostname: string;
  readonly report: NodeReport;
  /** Stringified [config, findings], or null to leave them as they are. */
  readonly detailsJson: string | null;
  readonly changes: ReportChanges;
}

export interface LivenessWrite {
  readonly id: string;
  readonly lastSeenMs: number;
  /** The snapshot the next heartbeat is diffed against after a controller restart (stored as `{rw, ro, sentAtMs}`). */
  readonly snapshot: CounterSnapshot;
}

const KIND_JSON = (kind: 'rw' | 'ro') =>
  `jsonb_build_object('attempts', u.${kind}_a, 'established', u.${kind}_e, 'authFailures', jsonb_build_object('invalidToken', u.${kind}_i, 'notAuthorized', u.${kind}_n, 'throttled', u.${kind}_t, 'other', u.${kind}_o))`;

/**
 * The heartbeat path's SQL: whole-fleet loads and batched writes through
 * `unnest`, one statement per kind of write however many nodes it covers.
 */
export function createNodeStateRepository(pool: pg.Pool) {
  return {
    async load(ids?: readonly string[]): Promise<NodeStateRow[]> {
      const { rows } = ids
        ? await pool.query<NodeStateRow>(
            `SELECT ${STATE_COLUMNS} FROM nodes WHERE id = ANY($1::uuid[]) AND decommissioned_at IS NULL`,
            [ids],
          )
        : await pool.query<NodeStateRow>(`SELECT ${STATE_COLUMNS} FROM nodes WHERE decommissioned_at IS NULL`);
      return rows;
    },

    /** last_seen_at of these nodes, as written by whichever process heard them. */
    async lastSeen(ids: readonly string[]): Promise<Map<string, number>> {
      const { rows } = await pool.query<{ id: string; lastSeenMs: number | null }>(
        `SELECT id, (extract(epoch FROM last_seen_at) * 1000)::float8 AS "lastSeenMs" FROM nodes WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return new Map(rows.flatMap((row) => (row.lastSeenMs === null ? [] : [[row.id, row.lastSeenMs] as const])));
    },

    /** Which of these nodes are decommissioned. */
    async decommissionedAmong(ids: readonly string[]): Promise<Set<string>> {
      const { rows } = await pool.query<{ id: string }>(
        'SELECT id FROM nodes WHERE id = ANY($1::uuid[]) AND decommissioned_at IS NOT NULL',
        [ids],
      );
      return new Set(rows.map((row) => row.id));
    },

    /**
     * Nodes written since `sinceMs` (by any process, by the rollout engine setting desired stages, or
     * decommissioned), and the database's clock when it read them (updated_at is stamped by that clock).
     */
    async changedSince(sinceMs: number): Promise<{ rows: NodeChangeRow[]; readAtMs: number }> {
      // The clock first: a row stamped before it but committed after the read is in the next one's margin.
      const clock = await pool.query<{ readAtMs: number }>(
        `SELECT (extract(epoch FROM statement_timestamp()) * 1000)::float8 AS "readAtMs"`,
      );
      const { rows } = await pool.query<NodeChangeRow>(
        `SELECT ${REFRESH_COLUMNS}, decommissioned_at IS NOT NULL AS "isDecommissioned" FROM nodes WHERE updated_at >= to_timestamp($1 / 1000.0)`,
        [sinceMs],
      );
      return { rows, readAtMs: clock.rows[0]?.readAtMs ?? sinceMs };
    },

    /**
     * One UPDATE for every report (pass the transaction's client: see write-report-batch.ts).
     * Returns each written node's new updated_at.
     */
    async writeReports(writes: readonly ReportWrite[], sql: SqlClient = pool): Promise<Map<string, number>> {
      const { rows } = await sql.query<{ id: string; updatedMs: number }>(WRITE_REPORTS_SQL, [
        writes.map((w) => w.id),
        ...REPORT_FIELDS.map((field) => writes.map((w) => w.report[field])),
        writes.map((w) => w.detailsJson),
      ]);
      return new Map(rows.map((row) => [row.id, row.updatedMs]));
    },

    /**
     * last_seen_at only moves forward, whichever process wrote it last. Counters travel
     * as number arrays (array literals built with one join: db/array-literal.ts) and become JSON in SQL.
     */
    async writeLiveness(writes: readonly LivenessWrite[]): Promise<void> {
      if (writes.length === 0) return;
      const counter = (kind: 'rw' | 'ro', pick: (counters: KindCounters) => number) =>
        numberArrayLiteral(writes.map((w) => pick(w.snapshot[kind])));
      const isNewer = 'n.last_seen_at IS NULL OR to_timestamp(u.seen / 1000.0) >= n.last_seen_at';
      await pool.query(
        `UPDATE nodes n SET
           last_seen_at = GREATEST(n.last_seen_at, to_timestamp(u.seen / 1000.0)),
           boot_id = CASE WHEN ${isNewer} THEN u.boot_id ELSE n.boot_id END,
           last_seq = CASE WHEN ${isNewer} THEN u.seq ELSE n.last_seq END,
           last_counters = CASE WHEN ${isNewer}
             THEN jsonb_build_object('sentAtMs', u.sent_at_ms, 'rw', ${KIND_JSON('rw')}, 'ro', ${KIND_JSON('ro')})
             ELSE n.last_counters END
         FROM unnest($1::uuid[], $2::float8[], $3::text[], $4::int[], $5::float8[],
                     $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[],
                     $12::float8[], $13::float8[], $14::float8[], $15::float8[], $16::float8[], $17::float8[])
           AS u(id, seen, boot_id, seq, sent_at_ms, rw_a, rw_e, rw_i, rw_n, rw_t, rw_o, ro_a, ro_e, ro_i, ro_n, ro_t, ro_o)
         WHERE n.id = u.id`,
        [
          writes.map((w) => w.id),
          numberArrayLiteral(writes.map((w) => w.lastSeenMs)),
          writes.map((w) => w.snapshot.bootId),
          numberArrayLiteral(writes.map((w) => w.snapshot.seq)),
          numberArrayLiteral(writes.map((w) => w.snapshot.sentAtMs)),
          ...(['rw', 'ro'] as const).flatMap((kind) => [
            counter(kind, (c) => c.attempts),
            counter(kind, (c) => c.established),
            counter(kind, (c) => c.authFailures.invalidToken),
            counter(kind, (c) => c.authFailures.notAuthorized),
            counter(kind, (c) => c.authFailures.throttled),
            counter(kind, (c) => c.authFailures.other),
          ]),
        ],
      );
    },
  };
}

export type NodeStateRepository = ReturnType<typeof createNodeStateRepository>;
