import type { NodeStage } from '@iamroll/contracts';
import type { CounterSnapshot, KindCounters } from '@iamroll/core/rates';
import type pg from 'pg';
import { numberArrayLiteral } from '../../db/array-literal';
import { inTransaction, type SqlClient } from '../../db/sql';
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
  /** `last_counters` as stored (storedCountersOf reads it). */
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

/** How a KindCounters is stored: six numbers in this order, rw's then ro's, after sentAtMs. */
const KIND_FIELDS = [
  (c: KindCounters) => c.attempts,
  (c: KindCounters) => c.established,
  (c: KindCounters) => c.authFailures.invalidToken,
  (c: KindCounters) => c.authFailures.notAuthorized,
  (c: KindCounters) => c.authFailures.throttled,
  (c: KindCounters) => c.authFailures.other,
] as const;
const COUNTER_VALUES = 1 + 2 * KIND_FIELDS.length;

/** The persisted `last_counters`, as the next heartbeat after a controller restart is diffed against. */
export interface StoredCounters {
  readonly sentAtMs: number;
  readonly rw: KindCounters;
  readonly ro: KindCounters;
}

function kindAt(values: readonly number[], offset: number): KindCounters {
  const at = (i: number) => values[offset + i] ?? 0;
  return {
    attempts: at(0),
    established: at(1),
    authFailures: { invalidToken: at(2), notAuthorized: at(3), throttled: at(4), other: at(5) },
  };
}

/** `last_counters` read back; undefined when the node has none yet (an empty array) or it is malformed. */
export function storedCountersOf(values: unknown): StoredCounters | undefined {
  if (!Array.isArray(values) || values.length !== COUNTER_VALUES) return undefined;
  if (!values.every((value) => typeof value === 'number' && Number.isFinite(value))) return undefined;
  const numbers = values as number[];
  return { sentAtMs: numbers[0]!, rw: kindAt(numbers, 1), ro: kindAt(numbers, 1 + KIND_FIELDS.length) };
}

/** Columns of the liveness unnest after id, seen, boot_id and seq: sent_at_ms, then each kind's six. */
const COUNTER_COLUMNS = [
  'sent_at_ms',
  ...(['rw', 'ro'] as const).flatMap((kind) => KIND_FIELDS.map((_, i) => `${kind}_${i}`)),
];

/** `last_seen_at` only moves forward, whichever process wrote it last; the rest follows it. */
const WRITE_LIVENESS_SQL = (() => {
  const isNewer = 'n.last_seen_at IS NULL OR to_timestamp(u.seen / 1000.0) >= n.last_seen_at';
  const counterParams = COUNTER_COLUMNS.map((_, i) => `$${i + 5}::float8[]`);
  return `UPDATE nodes n SET
       last_seen_at = GREATEST(n.last_seen_at, to_timestamp(u.seen / 1000.0)),
       boot_id = CASE WHEN ${isNewer} THEN u.boot_id ELSE n.boot_id END,
       last_seq = CASE WHEN ${isNewer} THEN u.seq ELSE n.last_seq END,
       last_counters = CASE WHEN ${isNewer} THEN ARRAY[${COUNTER_COLUMNS.map((column) => `u.${column}`).join(', ')}]
         ELSE n.last_counters END
     FROM unnest($1::uuid[], $2::float8[], $3::text[], $4::int[], ${counterParams.join(', ')})
       AS u(id, seen, boot_id, seq, ${COUNTER_COLUMNS.join(', ')})
    WHERE n.id = u.id`;
})();
/**
 * Before it, in its transaction: a chunk of the fleet's ids looked up by primary key (about 8 ms for
 * 1,000 rows) rather than a hash of the whole table (the planner's pick once the table outgrows a
 * few thousand rows: 3 to 4 times the time, most of it reading every page).
 */
const BY_PRIMARY_KEY = 'SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off';

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
     * One UPDATE for these nodes' liveness (see WRITE_LIVENESS_SQL), in a transaction of its own,
     * or in the one `sql` is in. Numbers travel as array literals (db/array-literal.ts). None of
     * these columns is indexed, so the update is HOT (migration 20261203120000_nodes_cheap_liveness).
     */
    async writeLiveness(writes: readonly LivenessWrite[], sql?: pg.PoolClient): Promise<void> {
      if (writes.length === 0) return;
      const params = [
        writes.map((w) => w.id),
        numberArrayLiteral(writes.map((w) => w.lastSeenMs)),
        writes.map((w) => w.snapshot.bootId),
        numberArrayLiteral(writes.map((w) => w.snapshot.seq)),
        numberArrayLiteral(writes.map((w) => w.snapshot.sentAtMs)),
        ...(['rw', 'ro'] as const).flatMap((kind) =>
          KIND_FIELDS.map((pick) => numberArrayLiteral(writes.map((w) => pick(w.snapshot[kind])))),
        ),
      ];
      const write = async (client: pg.PoolClient) => {
        await client.query(BY_PRIMARY_KEY);
        await client.query(WRITE_LIVENESS_SQL, params);
      };
      if (!sql) return inTransaction(pool, write);
      await write(sql);
      // The caller's transaction goes on planning as it would have.
      await sql.query('RESET enable_hashjoin; RESET enable_mergejoin');
    },
  };
}

export type NodeStateRepository = ReturnType<typeof createNodeStateRepository>;
