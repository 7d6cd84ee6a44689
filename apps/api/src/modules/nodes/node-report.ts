import type {
  AuthMode,
  Finding,
  HeartbeatBody,
  HeartbeatConfig,
  KongRole,
  NodeStage,
  ReportedStatus,
} from '@iamroll/contracts';

/** A node's columns that heartbeats set (besides liveness): compared field by field to write only changes. */
export interface NodeReport {
  readonly role: KongRole;
  readonly kongVersion: string | null;
  readonly agentVersion: string | null;
  readonly stage: NodeStage;
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
}

export const REPORT_FIELDS = [
  'role',
  'kongVersion',
  'agentVersion',
  'stage',
  'rwAuthMode',
  'roAuthMode',
  'rwDatabaseId',
  'roDatabaseId',
  'reportedStatus',
  'statusMessage',
  'heartbeatIntervalMs',
  'configHash',
  'workers',
  'poolSize',
] as const satisfies readonly (keyof NodeReport)[];

/**
 * Changes worth a `node.updated` event (not the status message, which may change every
 * beat). All but the reported status are also audited: a status flapping between ok and
 * degraded is live state for the dashboard, not history.
 */
export const NOTABLE_FIELDS = [
  'role',
  'kongVersion',
  'agentVersion',
  'stage',
  'rwAuthMode',
  'roAuthMode',
  'rwDatabaseId',
  'roDatabaseId',
  'reportedStatus',
  'configHash',
] as const satisfies readonly (keyof NodeReport)[];

export const AUDITED_FIELDS: readonly (keyof NodeReport)[] = NOTABLE_FIELDS.filter(
  (field) => field !== 'reportedStatus',
);

export type ReportChanges = Partial<Record<keyof NodeReport, { readonly from: unknown; readonly to: unknown }>>;

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

export function reportOf(body: HeartbeatBody, rwDatabaseId: string | null, roDatabaseId: string | null): NodeReport {
  const { config } = body;
  return {
    role: body.role,
    kongVersion: body.kongVersion,
    agentVersion: body.agentVersion,
    stage: config.stage,
    rwAuthMode: config.rw?.iam ? 'iam' : 'password',
    roAuthMode: config.ro ? (config.ro.iam ? 'iam' : 'password') : null,
    rwDatabaseId,
    roDatabaseId,
    reportedStatus: body.status,
    statusMessage: body.statusMessage ?? null,
    heartbeatIntervalMs: body.intervalMs,
    configHash: config.hash,
    workers: config.workers,
    poolSize: config.poolSize,
  };
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
