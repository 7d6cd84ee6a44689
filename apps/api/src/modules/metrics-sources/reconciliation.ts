import type { MetricsSourceName } from '@iamroll/contracts';
import { secondOf, SECOND_MS, type FleetRates } from '@iamroll/core/rates';
import {
  DIVERGENCE_ALARM_KIND,
  syncExternalAlarms,
  type DesiredExternalAlarm,
  type ExternalAlarmsDeps,
} from './external-alarms';
import type { MetricsSourcesRepository } from './metrics-sources-repository';
import type { SourceDatabase } from './metrics-source';

/** Periods compared per pass: the latest the source reported that memory holds whole. */
const COMPARED_PERIODS = 5;
/** Below this many logins in the compared minutes (either side) the comparison is noise. */
export const MIN_COMPARED_LOGINS = 30;

export interface Comparison {
  readonly fromMs: number;
  readonly toMs: number;
  /** Logins per second over the compared periods. */
  readonly localPerSecond: number;
  readonly sourcePerSecond: number;
  /** |local − source| / max(local, source): 0 = agree, 1 = one side saw nothing. */
  readonly divergence: number;
  readonly isDivergent: boolean;
}

/**
 * Pure: the agents' logins against the source's over the same periods. `pairs` holds
 * the periods both sides cover; null when there is too little to judge.
 */
export function compareRates(
  pairs: readonly { readonly bucketStartMs: number; readonly local: number; readonly source: number }[],
  periodSeconds: number,
  tolerance: number,
): Comparison | null {
  if (pairs.length === 0) return null;
  const local = pairs.reduce((sum, pair) => sum + pair.local, 0);
  const source = pairs.reduce((sum, pair) => sum + pair.source, 0);
  if (Math.max(local, source) < MIN_COMPARED_LOGINS) return null;
  const seconds = pairs.length * periodSeconds;
  const divergence = Math.abs(local - source) / Math.max(local, source);
  return {
    fromMs: Math.min(...pairs.map((pair) => pair.bucketStartMs)),
    toMs: Math.max(...pairs.map((pair) => pair.bucketStartMs)) + periodSeconds * SECOND_MS,
    localPerSecond: local / seconds,
    sourcePerSecond: source / seconds,
    divergence,
    isDivergent: divergence > tolerance,
  };
}

const SOURCE_LABEL: Record<MetricsSourceName, string> = { cloudwatch: 'CloudWatch', 'rds-sim': 'the RDS simulator' };

export function divergenceMessage(identifier: string, source: MetricsSourceName, c: Comparison, tolerance: number) {
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  return (
    `${identifier}: the agents count ${c.localPerSecond.toFixed(1)} IAM logins/s, ${SOURCE_LABEL[source]} ` +
    `${c.sourcePerSecond.toFixed(1)}/s (IamDbAuthConnectionRequests) over ${time(c.fromMs)}–${time(c.toMs)} UTC: ` +
    `${Math.round(c.divergence * 100)}% apart, tolerance ${Math.round(tolerance * 100)}%. ` +
    'Nodes without an agent, or counters that are wrong.'
  );
}

export interface ReconcileDeps extends ExternalAlarmsDeps {
  readonly source: MetricsSourceName;
  readonly repository: MetricsSourcesRepository;
  readonly fleet: FleetRates;
  readonly startedAtMs: number;
  readonly periodSeconds: number;
  readonly tolerance: number;
  readonly nowMs: () => number;
}

/** Per database: local (FleetRates, 1 s) vs the source's IamDbAuthConnectionRequests; info alarm beyond the tolerance. */
export function createReconciler(deps: ReconcileDeps) {
  const periodMs = deps.periodSeconds * SECOND_MS;
  return async function reconcile(databases: readonly SourceDatabase[]): Promise<void> {
    const now = deps.nowMs();
    // Memory holds the last hour from the process's start; only whole periods inside it compare.
    const fromMs = Math.max(Math.ceil(deps.startedAtMs / periodMs) * periodMs, now - 3_600_000 + periodMs);
    const toMs = Math.floor(now / periodMs) * periodMs;
    const desired: DesiredExternalAlarm[] = [];
    for (const database of databases) {
      if (toMs <= fromMs) break;
      const rows = await deps.repository.samples(database.id, deps.source, deps.periodSeconds, fromMs, toMs);
      const series = deps.fleet.database(database.id)?.iamAttempts;
      const pairs = rows
        .filter((row) => row.metric === 'IamDbAuthConnectionRequests')
        .slice(-COMPARED_PERIODS)
        .map((row) => {
          let local = 0;
          for (let s = secondOf(row.bucketStartMs), end = s + deps.periodSeconds; s < end; s++)
            local += series?.countAt(s) ?? 0;
          return { bucketStartMs: row.bucketStartMs, local, source: row.value };
        });
      const comparison = compareRates(pairs, deps.periodSeconds, deps.tolerance);
      if (!comparison?.isDivergent) continue;
      desired.push({
        key: `${DIVERGENCE_ALARM_KIND}:${deps.source}:${database.id}`,
        severity: 'info',
        subjectType: 'database',
        subjectId: database.id,
        message: divergenceMessage(database.identifier, deps.source, comparison, deps.tolerance),
        value: Math.round(comparison.divergence * 1000) / 1000,
        data: {
          source: deps.source,
          localPerSecond: comparison.localPerSecond,
          sourcePerSecond: comparison.sourcePerSecond,
          tolerance: deps.tolerance,
        },
      });
    }
    const prefix = `${DIVERGENCE_ALARM_KIND}:${deps.source}:`;
    await syncExternalAlarms(deps, DIVERGENCE_ALARM_KIND, desired, now, (key) => key.startsWith(prefix));
  };
}
