import type { AuthMode, KongRole, NodeStage, ReportedStatus } from '@iamroll/contracts';
import type { CounterSnapshot, KindCounters } from '@iamroll/core/rates';
import type pg from 'pg';
import { AUDITED_FIELDS, type NodeReport, type ReportChanges } from './node-report';

/** A node as the in-memory registry loads it. */
export interface NodeStateRow {
  readonly id: string;
  readonly hostname: string;
  readonly role: KongRole;
  readonly kongVersion: string | null;
  readonly agentVersion: string | null;
  readonly stage: NodeStage;
  readonly desiredStage: NodeStage;
  readonly rwAuthMode: AuthMode;
  readonly roAuthMode: AuthMode | null;
  readonly rwDatabaseId: string | null;
  readonly roDatabaseId: string | null;
  readonly reportedStatus: ReportedStatus | null;
  readonly statusMessage: string | null;
  readonly heartbeatIntervalMs: number | null;
  readonly configHash: string | null;
  readonly workers: number | null;
  readonly poolSize: number | null;
  readonly lastSeenMs: number | null;
  readonly bootId: string | null;
  readonly lastSeq: number | null;
  readonly lastCounters: unknown;
  readonly updatedMs: number;
}

/** What the once-a-second refresh reads: no counters (only a start seeds FleetRates from them). */
export type NodeRefreshRow = Omit<NodeStateRow, 'bootId' | 'lastSeq' | 'lastCounters'>;

/** A changed row as the refresh sees it: decommissioned ones leave the registry. */
export type NodeChangeRow = NodeRefreshRow & { readonly isDecommissioned: boolean };

const REFRESH_COLUMNS = `id, hostname, role::text, kong_version AS "kongVersion", agent_version AS "agentVersion", stage::text,
  desired_stage::text AS "desiredStage", rw_auth_mode::text AS "rwAuthMode", ro_auth_mode::text AS "roAuthMode",
  rw_database_id AS "rwDatabaseId", ro_database_id AS "roDatabaseId", reported_status::text AS "reportedStatus",
  status_message AS "statusMessage", heartbeat_interval_ms AS "heartbeatIntervalMs", config_hash AS "configHash", workers,
  pool_size AS "poolSize", (extract(epoch FROM last_seen_at) * 1000)::float8 AS "lastSeenMs",
  (extract(epoch FROM updated_at) * 1000)::float8 AS "updatedMs"`;
const STATE_COLUMNS = `${REFRESH_COLUMNS}, boot_id AS "bootId", last_seq AS "lastSeq", last_counters AS "lastCounters"`;

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

    /** Nodes written since `sinceMs` (by any process, by the rollout engine setting desired stages, or decommissioned). */
    async changedSince(sinceMs: number): Promise<NodeChangeRow[]> {
      const { rows } = await pool.query<NodeChangeRow>(
        `SELECT ${REFRESH_COLUMNS}, decommissioned_at IS NOT NULL AS "isDecommissioned" FROM nodes WHERE updated_at >= to_timestamp($1 / 1000.0)`,
        [sinceMs],
      );
      return rows;
    },

    /**
     * Writes reports, their audit entries and `node.updated` notifications in one
     * transaction (notifications are delivered on commit). Returns each node's new updated_at.
     */
    async writeReports(writes: readonly ReportWrite[], notifications: readonly string[]): Promise<Map<string, number>> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const column = <T>(pick: (write: ReportWrite) => T) => writes.map(pick);
        const { rows } = await client.query<{ id: string; updatedMs: number }>(
          `UPDATE nodes n SET
             role = u.role::kong_role, kong_version = u.kong_version, agent_version = u.agent_version, stage = u.stage::node_stage,
             rw_auth_mode = u.rw_auth_mode::auth_mode, ro_auth_mode = u.ro_auth_mode::auth_mode,
             rw_database_id = u.rw_database_id, ro_database_id = u.ro_database_id,
             reported_status = u.reported_status::reported_status, status_message = u.status_message,
             heartbeat_interval_ms = u.heartbeat_interval_ms, config_hash = u.config_hash, workers = u.workers, pool_size = u.pool_size,
             effective_config = COALESCE(u.details::jsonb -> 0, n.effective_config),
             lint_findings = COALESCE(u.details::jsonb -> 1, n.lint_findings),
             updated_at = clock_timestamp()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::uuid[],
                       $10::text[], $11::text[], $12::int[], $13::text[], $14::int[], $15::int[], $16::text[])
             AS u(id, role, kong_version, agent_version, stage, rw_auth_mode, ro_auth_mode, rw_database_id, ro_database_id,
                  reported_status, status_message, heartbeat_interval_ms, config_hash, workers, pool_size, details)
          WHERE n.id = u.id
          RETURNING n.id, (extract(epoch FROM n.updated_at) * 1000)::float8 AS "updatedMs"`,
          [
            column((w) => w.id),
            column((w) => w.report.role),
            column((w) => w.report.kongVersion),
            column((w) => w.report.agentVersion),
            column((w) => w.report.stage),
            column((w) => w.report.rwAuthMode),
            column((w) => w.report.roAuthMode),
            column((w) => w.report.rwDatabaseId),
            column((w) => w.report.roDatabaseId),
            column((w) => w.report.reportedStatus),
            column((w) => w.report.statusMessage),
            column((w) => w.report.heartbeatIntervalMs),
            column((w) => w.report.configHash),
            column((w) => w.report.workers),
            column((w) => w.report.poolSize),
            column((w) => w.detailsJson),
          ],
        );
        const audited = writes.filter((write) => AUDITED_FIELDS.some((field) => field in write.changes));
        if (audited.length > 0) {
          await client.query(
            `INSERT INTO audit_events (actor_type, actor_id, actor_name, action, subject_type, subject_id, data)
             SELECT 'agent', u.id, u.hostname, 'node.report', 'node', u.id, u.data::jsonb
               FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, hostname, data)`,
            [
              audited.map((w) => w.id),
              audited.map((w) => w.hostname),
              audited.map((w) => JSON.stringify({ hostname: w.hostname, changes: w.changes })),
            ],
          );
        }
        if (notifications.length > 0) {
          await client.query(`SELECT pg_notify('iamroll_events', p) FROM unnest($1::text[]) AS p`, [notifications]);
        }
        await client.query('COMMIT');
        return new Map(rows.map((row) => [row.id, row.updatedMs]));
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    /**
     * last_seen_at only moves forward, whichever process wrote it last. Counters travel
     * as number arrays (cheap for node-postgres to serialise) and become JSON in SQL.
     */
    async writeLiveness(writes: readonly LivenessWrite[]): Promise<void> {
      if (writes.length === 0) return;
      const counter = (kind: 'rw' | 'ro', pick: (counters: KindCounters) => number) =>
        writes.map((w) => pick(w.snapshot[kind]));
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
          writes.map((w) => w.lastSeenMs),
          writes.map((w) => w.snapshot.bootId),
          writes.map((w) => w.snapshot.seq),
          writes.map((w) => w.snapshot.sentAtMs),
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
