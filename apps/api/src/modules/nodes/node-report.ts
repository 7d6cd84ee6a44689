import type {
  AuthMode,
  Finding,
  HeartbeatBody,
  HeartbeatConfig,
  KongRole,
  NodeStage,
  ReportedStatus,
} from '@iamroll/contracts';

/** What a heartbeat's report is computed from (the database ids come from matching its endpoints). */
export interface ReportSource {
  readonly body: HeartbeatBody;
  readonly config: HeartbeatConfig;
  readonly rwDatabaseId: string | null;
  readonly roDatabaseId: string | null;
}

/**
 * What a change of the field causes when the sync loop writes it: `audit` (an audit entry
 * and a `node.updated` event), `event` (the event only: live state for the dashboard, not
 * history), `none` (written, not announced: it may change every beat).
 */
export type ReportChangeEffect = 'audit' | 'event' | 'none';

interface ReportColumn<T> {
  /** The nodes table's column. */
  readonly column: string;
  /** Its PostgreSQL type: batched writes send `<pgType>[]` through unnest. */
  readonly pgType: 'text' | 'int' | 'uuid' | 'kong_role' | 'node_stage' | 'auth_mode' | 'reported_status';
  readonly onChange: ReportChangeEffect;
  /** The value a heartbeat reports; its return type is the field's type (rows may hold null before the first beat). */
  readonly of: (source: ReportSource) => T;
}

const authModeOf = (connection: { readonly iam: unknown } | null | undefined): AuthMode =>
  connection?.iam ? 'iam' : 'password';

/**
 * The node report, field by field: the one place to add a reported field (besides the
 * contract, schema.prisma and a migration). The registry, the loads and the batched
 * `UPDATE … FROM unnest` are derived from it; order is kept in audit data and events.
 */
export const NODE_REPORT_COLUMNS = {
  role: { column: 'role', pgType: 'kong_role', onChange: 'audit', of: (s): KongRole => s.body.role },
  kongVersion: {
    column: 'kong_version',
    pgType: 'text',
    onChange: 'audit',
    of: (s): string | null => s.body.kongVersion,
  },
  agentVersion: {
    column: 'agent_version',
    pgType: 'text',
    onChange: 'audit',
    of: (s): string | null => s.body.agentVersion,
  },
  stage: { column: 'stage', pgType: 'node_stage', onChange: 'audit', of: (s): NodeStage => s.config.stage },
  rwAuthMode: { column: 'rw_auth_mode', pgType: 'auth_mode', onChange: 'audit', of: (s) => authModeOf(s.config.rw) },
  roAuthMode: {
    column: 'ro_auth_mode',
    pgType: 'auth_mode',
    onChange: 'audit',
    of: (s): AuthMode | null => (s.config.ro ? authModeOf(s.config.ro) : null),
  },
  rwDatabaseId: { column: 'rw_database_id', pgType: 'uuid', onChange: 'audit', of: (s) => s.rwDatabaseId },
  roDatabaseId: { column: 'ro_database_id', pgType: 'uuid', onChange: 'audit', of: (s) => s.roDatabaseId },
  reportedStatus: {
    column: 'reported_status',
    pgType: 'reported_status',
    onChange: 'event',
    of: (s): ReportedStatus | null => s.body.status,
  },
  statusMessage: {
    column: 'status_message',
    pgType: 'text',
    onChange: 'none',
    of: (s): string | null => s.body.statusMessage ?? null,
  },
  heartbeatIntervalMs: {
    column: 'heartbeat_interval_ms',
    pgType: 'int',
    onChange: 'none',
    of: (s): number | null => s.body.intervalMs,
  },
  configHash: { column: 'config_hash', pgType: 'text', onChange: 'audit', of: (s): string | null => s.config.hash },
  workers: { column: 'workers', pgType: 'int', onChange: 'none', of: (s): number | null => s.config.workers },
  poolSize: { column: 'pool_size', pgType: 'int', onChange: 'none', of: (s): number | null => s.config.poolSize },
} as const satisfies Record<string, ReportColumn<unknown>>;

export type ReportField = keyof typeof NODE_REPORT_COLUMNS;

/** A node's columns that heartbeats set (besides liveness): compared field by field to write only changes. */
export type NodeReport = {
  readonly [F in ReportField]: ReturnType<(typeof NODE_REPORT_COLUMNS)[F]['of']>;
};

export const REPORT_FIELDS = Object.keys(NODE_REPORT_COLUMNS) as readonly ReportField[];

/** Changes worth a `node.updated` event (not e.g. the status message, which may change every beat). */
export const NOTABLE_FIELDS: readonly ReportField[] = REPORT_FIELDS.filter(
  (field) => NODE_REPORT_COLUMNS[field].onChange !== 'none',
);

/** Notable changes that are also history (a status flapping between ok and degraded is not). */
export const AUDITED_FIELDS: readonly ReportField[] = REPORT_FIELDS.filter(
  (field) => NODE_REPORT_COLUMNS[field].onChange === 'audit',
);

export type ReportChanges = Partial<Record<ReportField, { readonly from: unknown; readonly to: unknown }>>;

export function isSameReport(a: NodeReport, b: NodeReport): boolean {
  for (const field of REPORT_FIELDS) if (a[field] !== b[field]) return false;
  return true;
}

export function notableChanges(from: NodeReport, to: NodeReport): ReportChanges {
  const changes: ReportChanges = {};
  for (const field of NOTABLE_FIELDS)
    if (from[field] !== to[field]) changes[field] = { from: from[field], to: to[field] };
  return changes;
}

/** The report fields of anything that has them (a row read from PostgreSQL). */
export function pickReport(row: NodeReport): NodeReport {
  const report: Record<string, unknown> = {};
  for (const field of REPORT_FIELDS) report[field] = row[field];
  return report as NodeReport;
}

export function reportOf(body: HeartbeatBody, rwDatabaseId: string | null, roDatabaseId: string | null): NodeReport {
  const source: ReportSource = { body, config: body.config, rwDatabaseId, roDatabaseId };
  const report: Record<string, unknown> = {};
  for (const field of REPORT_FIELDS) report[field] = NODE_REPORT_COLUMNS[field].of(source);
  return report as NodeReport;
}

/** Whether `report` is what this heartbeat reports, compared field by field without building the report. */
export function isReportOf(
  report: NodeReport,
  body: HeartbeatBody,
  rwDatabaseId: string | null,
  roDatabaseId: string | null,
): boolean {
  const source: ReportSource = { body, config: body.config, rwDatabaseId, roDatabaseId };
  for (const field of REPORT_FIELDS) if (report[field] !== NODE_REPORT_COLUMNS[field].of(source)) return false;
  return true;
}

/** The effective config and findings as stored (effective_config, lint_findings); `json` compares them cheaply. */
export interface NodeDetails {
  readonly config: HeartbeatConfig;
  readonly findings: readonly Finding[];
  readonly json: string;
}

export function detailsOf(config: HeartbeatConfig, findings: readonly Finding[]): NodeDetails {
  return { config, findings, json: JSON.stringify([config, findings]) };
}

/**
 * The node's details after a heartbeat: the previous ones when the config and findings say the
 * same (nearly every heartbeat), so the hot path compares instead of serialising them again.
 */
export function nextDetailsOf(
  previous: NodeDetails | undefined,
  config: HeartbeatConfig,
  findings: readonly Finding[],
  isConfigSame = previous !== undefined && isSameJson(previous.config, config),
): NodeDetails {
  return previous && isConfigSame && isSameJson(previous.findings, findings) ? previous : detailsOf(config, findings);
}

/** Deep equality of parsed JSON values (key order aside). */
export function isSameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!isSameJson(a[i], b[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    if (!Object.hasOwn(left, key)) continue;
    keys += 1;
    if (!Object.hasOwn(right, key) || !isSameJson(left[key], right[key])) return false;
  }
  for (const key in right) if (Object.hasOwn(right, key)) keys -= 1;
  return keys === 0;
}
