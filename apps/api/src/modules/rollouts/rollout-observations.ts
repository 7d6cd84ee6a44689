import type {
  AlarmObservation,
  CurrentIamStage,
  DatabaseObservation,
  ExternalGateObservation,
  NodeObservation,
  RolloutObservations,
} from '@iamroll/core/rollout';
import { DEFAULT_SETTLE_MS, nodeFigures, secondOf, type FleetRates } from '@iamroll/core/rates';
import type pg from 'pg';
import { holdStart } from '../alarms/startup-hold';
import type { AlarmGateObservation } from '../metrics-sources/alarm-gates';
import type { DatabaseDirectory } from '../databases/database-directory';
import type { NodeEntry, NodeRegistry } from '../nodes/node-registry';
import type { NodePreflightMemory } from '../preflight/preflight-memory';

// What the reconciler hands decide() each pass: nodes from the in-memory registry (the
// newest report any heartbeat carried, else the row as loaded), each database's latest
// 1 s IAM login rate from FleetRates, open alarms and CloudWatch alarms from PostgreSQL.
// Nothing here is state the engine depends on across passes: a restart rebuilds it all.

const STALE_AFTER_INTERVALS = 3;
/** Seconds of each node's login history handed to pacing: a switch's span plus the steady seconds before it. */
const RECENT_LOGIN_SECONDS = 30;
/** Seconds of each database's IAM login counts handed to pacing: the churn's seconds and the current one. */
const RECENT_DATABASE_SECONDS = 5;

/** The second databaseFigures' settled 1 s rate counts: the last complete one. */
export function rateSecondAt(nowMs: number): number {
  return secondOf(nowMs - DEFAULT_SETTLE_MS) - 1;
}

/**
 * The measured rate: the busiest of the last complete second and the seconds still filling since
 * (their partial counts only grow, so a burst landing now counts at once), and the second it
 * counts through (now). Each login a node's counters show is then in the measured rate, and no
 * longer in its burst in flight (pacing.ts remainingBurst): counted once. With the per-second
 * counts beside it, pacing projects per second instead (a landed burst holds only its own second).
 */
export function measuredRateOf(fleet: FleetRates, databaseId: string, nowMs: number) {
  const iamAttempts = fleet.database(databaseId)?.iamAttempts;
  const nowSecond = secondOf(nowMs);
  let ratePerSecond = 0;
  for (let second = rateSecondAt(nowMs); second <= nowSecond; second++)
    ratePerSecond = Math.max(ratePerSecond, iamAttempts?.countAt(second) ?? 0);
  // The per-second counts pacing projects from (core/rollout pacing-seconds.ts), the current second last.
  const fromSecond = nowSecond - RECENT_DATABASE_SECONDS + 1;
  const counts = Array.from({ length: RECENT_DATABASE_SECONDS }, (_, i) => iamAttempts?.countAt(fromSecond + i) ?? 0);
  return { ratePerSecond, rateSecond: nowSecond, recentCounts: { fromSecond, counts } };
}

/** The node's new connections per second per database (both kinds), the last RECENT_LOGIN_SECONDS up to now. */
export function recentLoginsOf(entry: NodeEntry, fleet: FleetRates, nowMs: number): NodeObservation['recentLogins'] {
  const report = entry.report ?? entry.persisted;
  const toSecond = secondOf(nowMs);
  const fromSecond = toSecond - RECENT_LOGIN_SECONDS + 1;
  const byDatabase: Record<string, number[]> = {};
  for (const [kind, databaseId] of [
    ['rw', report.rwDatabaseId],
    ['ro', report.roDatabaseId],
  ] as const) {
    const series = fleet.nodeSeries(entry.id, kind);
    if (series === undefined || databaseId === null) continue;
    const counts = (byDatabase[databaseId] ??= new Array<number>(RECENT_LOGIN_SECONDS).fill(0));
    for (let index = 0; index < RECENT_LOGIN_SECONDS; index++)
      counts[index] = (counts[index] ?? 0) + series.countAt(fromSecond + index);
  }
  return Object.keys(byDatabase).length > 0 ? { fromSecond, byDatabase } : undefined;
}

export interface ObservationsDeps {
  readonly pool: pg.Pool;
  readonly registry: NodeRegistry;
  readonly directory: DatabaseDirectory;
  readonly fleet: FleetRates;
  /** When this process's fleet memory started: nobody is called stale before three intervals have passed since. */
  readonly startedAtMs: number;
  readonly cloudWatchGates?: { observe(databaseIds?: readonly string[]): Promise<AlarmGateObservation[]> };
  /** Preflight (issue 12): what every node's agent reported and the databases' IAM checks, from memory. */
  readonly preflight?: PreflightObservationSource;
}

// ---- preflight (issue 12): verdicts, overrides, capability and pending requests per node; DescribeDBInstances per database.
export interface PreflightObservationSource {
  node(nodeId: string): NodePreflightMemory | undefined;
  database(databaseId: string): { readonly status: string; readonly message: string; readonly fix: string } | undefined;
}

export function withPreflight(node: NodeObservation, memory: NodePreflightMemory | undefined): NodeObservation {
  if (memory === undefined) return node;
  return {
    ...node,
    ...(memory.verdicts.length > 0 ? { preflight: memory.verdicts } : {}),
    ...(memory.override ? { preflightOverride: { by: memory.override.by, reason: memory.override.reason } } : {}),
    isPreflightCapable: memory.isCapable,
    ...(memory.pending
      ? { preflightPending: { stages: memory.pending.stages, requestedAtMs: memory.pending.requestedAtMs } }
      : {}),
    ...(memory.lastRequestedAtMs !== null ? { preflightLastAskedAtMs: memory.lastRequestedAtMs } : {}),
  };
}

export function withIamCheck(database: DatabaseObservation, source: PreflightObservationSource | undefined) {
  const iamCheck = source?.database(database.databaseId);
  return iamCheck ? { ...database, iamCheck } : database;
}
// ---- end of preflight

/** When this process first saw each failed-switch report (the agent's count makes it a new one). */
type FailureSeen = Map<string, { readonly key: string; readonly atMs: number }>;

function stageOf(entry: NodeEntry): CurrentIamStage {
  const report = entry.report ?? entry.persisted;
  if (report.rwAuthMode === 'iam' && report.roAuthMode === 'password') return 'rw_iam_ro_password';
  return report.stage;
}

/** The stage each node was on when its agent last reported no switch in progress. */
export type AppliedSeen = Map<string, CurrentIamStage>;

/**
 * The stage as applied: the agent writes kong.conf before it restarts Kong, so a heartbeat sent
 * while its stage machine still switches reports the new file's stage before the restart (and the
 * reconnect burst) has happened. Settled that early, the burst could land after the pacing's
 * in-flight window (the rollout bench saw switches settled ~2–3 s before their agent finished).
 * While the agent says `switching`/`reverting`, the stage it last reported idle stands.
 */
function appliedStageOf(entry: NodeEntry, applied: AppliedSeen | undefined): CurrentIamStage {
  const stage = stageOf(entry);
  if (applied === undefined) return stage;
  const status = entry.agent?.transition?.status;
  if (status === 'switching' || status === 'reverting') return applied.get(entry.id) ?? stage;
  applied.set(entry.id, stage);
  return stage;
}

function switchReportOf(entry: NodeEntry, failures: FailureSeen, nowMs: number): NodeObservation['switchReport'] {
  const transition = entry.agent?.transition;
  if (!transition || transition.status !== 'failed' || transition.toStage === null) return undefined;
  const key = `${transition.toStage}:${transition.failedSwitches}`;
  let seen = failures.get(entry.id);
  if (seen?.key !== key) failures.set(entry.id, (seen = { key, atMs: nowMs }));
  return { stage: transition.toStage, outcome: 'failed', reason: transition.reason ?? null, atMs: seen.atMs };
}

export function nodeObservation(
  entry: NodeEntry,
  fleet: FleetRates,
  failures: FailureSeen,
  nowMs: number,
  startedAtMs: number,
  applied?: AppliedSeen,
): NodeObservation {
  const report = entry.report ?? entry.persisted;
  const config = entry.details?.config;
  const figures = nodeFigures(fleet, entry.id, nowMs);
  const intervalMs = figures?.heartbeatIntervalMs ?? 1_000;
  const authFailures = Object.values(figures?.authFailuresInWindow ?? {}).reduce((sum, count) => sum + count, 0);
  const switchReport = switchReportOf(entry, failures, nowMs);
  const recentLogins = recentLoginsOf(entry, fleet, nowMs);
  return {
    nodeId: entry.id,
    stage: appliedStageOf(entry, applied),
    role: report.role,
    isDatabaseOff: config !== undefined && config.rw === null,
    kongVersion: report.kongVersion,
    labels: entry.agent?.labels ?? {},
    hasReadOnlyConnection: config !== undefined ? config.ro !== null : report.roAuthMode !== null,
    rwDatabaseId: report.rwDatabaseId,
    roDatabaseId: report.roDatabaseId,
    workerCount: config?.pools?.rw.workers ?? report.workers,
    poolSize: {
      rw: config?.pools?.rw.poolSize ?? report.poolSize,
      ro: config?.pools ? (config.pools.ro?.poolSize ?? null) : report.poolSize,
    },
    ...(recentLogins ? { recentLogins } : {}),
    usesAssumeRole: false,
    // Right after a restart the agents have not reached this process yet: a silence that began
    // before it started is not a stale node (the same hold as alarms/startup-hold.ts).
    isStale:
      nowMs - startedAtMs > STALE_AFTER_INTERVALS * intervalMs &&
      entry.lastSeenMs !== undefined &&
      nowMs - entry.lastSeenMs > STALE_AFTER_INTERVALS * intervalMs,
    authFailuresInWindow: authFailures,
    // Filled from PostgreSQL by rollout-stage-since.ts (withStageSince wraps this module's observe).
    stageSinceMs: null,
    ...(switchReport ? { switchReport } : {}),
  };
}

export function createObservations({
  pool,
  registry,
  directory,
  fleet,
  startedAtMs,
  cloudWatchGates,
  preflight,
}: ObservationsDeps) {
  const failures: FailureSeen = new Map();
  const heldFromMs = holdStart(startedAtMs);
  const applied: AppliedSeen = new Map();
  return async function observe(nowMs: number): Promise<FleetObservations> {
    const holdFromMs = heldFromMs(nowMs);
    const nodes = [...registry.all()].map((entry) =>
      withPreflight(nodeObservation(entry, fleet, failures, nowMs, holdFromMs, applied), preflight?.node(entry.id)),
    );
    const databases: DatabaseObservation[] = [...directory.all()].map((database) =>
      withIamCheck(
        {
          databaseId: database.id,
          budgetPerSecond: database.budgetPerSecond,
          ...measuredRateOf(fleet, database.id, nowMs),
        },
        preflight,
      ),
    );
    // CloudWatch alarms gate as external gates; info alarms (metrics divergence) tell, never stop.
    const { rows } = await pool.query<{
      id: string;
      kind: string;
      subjectType: string;
      subjectId: string | null;
      openedAtMs: number;
      isAcknowledged: boolean;
    }>(
      `SELECT id, kind, subject_type AS "subjectType", subject_id AS "subjectId",
              (extract(epoch FROM opened_at) * 1000)::float8 AS "openedAtMs", acknowledged_at IS NOT NULL AS "isAcknowledged"
         FROM alarms WHERE resolved_at IS NULL AND severity <> 'info' AND kind <> 'cloudwatch-alarm'`,
    );
    const alarms: AlarmObservation[] = rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      ...(row.subjectType === 'database' && row.subjectId ? { databaseId: row.subjectId } : {}),
      ...(row.subjectType === 'node' && row.subjectId ? { nodeId: row.subjectId } : {}),
      openedAtMs: row.openedAtMs,
      isAcknowledged: row.isAcknowledged,
    }));
    const externalGates: ScopedGate[] =
      (await cloudWatchGates?.observe())?.map((gate) => ({
        databaseId: gate.databaseId,
        name: `${gate.alarmName} (database ${gate.databaseId})`,
        state: gate.isBlocking ? 'ALARM' : 'OK',
        sinceMs: gate.since.getTime(),
      })) ?? [];
    return { nodes, databases, alarms, externalGates };
  };
}

/** A CloudWatch alarm as a gate, with the database it is about (a rollout minds its own databases'). */
export type ScopedGate = ExternalGateObservation & { readonly databaseId: string };

export interface FleetObservations extends RolloutObservations {
  readonly externalGates: readonly ScopedGate[];
}

export type ObserveRollouts = ReturnType<typeof createObservations>;
