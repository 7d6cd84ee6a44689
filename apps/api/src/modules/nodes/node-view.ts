import type { Finding, FindingSeverity, HeartbeatConfig, NodeView } from '@iamroll/contracts';
import { DEFAULT_ALARM_OPTIONS, DEFAULT_HEARTBEAT_INTERVAL_MS } from '@iamroll/core/rates';
import type { NodeViewRow } from './nodes-repository';

export { DEFAULT_HEARTBEAT_INTERVAL_MS };
/** A node is stale after this many intervals without a heartbeat: the stale alarm's own rule. */
export const STALE_AFTER_INTERVALS = DEFAULT_ALARM_OPTIONS.staleAfterIntervals;

export function findingsOf(row: Pick<NodeViewRow, 'lintFindings'>): Finding[] {
  return Array.isArray(row.lintFindings) ? (row.lintFindings as unknown as Finding[]) : [];
}

/** The stored effective config, or null before the first heartbeat (the column defaults to `{}`). */
export function configOf(row: Pick<NodeViewRow, 'effectiveConfig'>): HeartbeatConfig | null {
  const config = row.effectiveConfig as Partial<HeartbeatConfig> | null;
  return config && typeof config === 'object' && typeof config.hash === 'string' ? (config as HeartbeatConfig) : null;
}

/**
 * `memoryLastSeenMs`: the newest heartbeat this process knows of, which the row
 * trails by up to a flush (and which includes heartbeats other processes received).
 */
export function toNodeView(row: NodeViewRow, nowMs: number, memoryLastSeenMs: number | undefined): NodeView {
  const lastSeenMs = Math.max(row.lastSeenAt?.getTime() ?? 0, memoryLastSeenMs ?? 0) || undefined;
  const intervalMs = row.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  const config = configOf(row);
  const findingCounts: Record<FindingSeverity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findingsOf(row)) if (finding.severity in findingCounts) findingCounts[finding.severity] += 1;
  return {
    id: row.id,
    hostname: row.hostname,
    kongVersion: row.kongVersion,
    role: row.role,
    agentVersion: row.agentVersion,
    rwDatabase: row.rwDatabase,
    roDatabase: row.roDatabase,
    rwAuthMode: row.rwAuthMode,
    roAuthMode: row.roAuthMode,
    stage: row.stage,
    desiredStage: row.desiredStage,
    transition: row.status,
    transitionReason: row.statusReason,
    status: row.reportedStatus,
    statusMessage: row.statusMessage,
    configHash: row.configHash,
    lastSeenAt: lastSeenMs === undefined ? null : new Date(lastSeenMs).toISOString(),
    heartbeatIntervalMs: intervalMs,
    isStale: lastSeenMs !== undefined && nowMs - lastSeenMs > STALE_AFTER_INTERVALS * intervalMs,
    // Data planes and DB-less nodes (no read-write connection reported) never talk to PostgreSQL.
    isIamApplicable: row.role !== 'data_plane' && !(config !== null && config.rw === null),
    findingCounts,
    createdAt: row.createdAt.toISOString(),
    decommissionedAt: row.decommissionedAt?.toISOString() ?? null,
  };
}
