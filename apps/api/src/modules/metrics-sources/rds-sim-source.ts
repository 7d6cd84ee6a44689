import { asError } from './source-errors';
import { RDS_METRICS, CONNECTIONS_METRIC, type MetricsSource, type SourceDatapoint } from './metrics-source';

/** The part of the simulator's `GET /metrics` JSON this source reads (packages/rds-sim RdsSimCounters). */
interface SimCounters {
  readonly instanceId: string;
  readonly perSecond: readonly ({ readonly epochSecond: number } & Readonly<Record<string, number>>)[];
}

const FETCH_TIMEOUT_MS = 5_000;
/**
 * The simulator holds 60 s ending with the current second, so a poll just after a minute
 * boundary sees 59 of the minute's seconds: periods of 30 s and more may miss two (an
 * undercount of ~3%, well inside the reconciliation tolerance).
 */
function minSecondsOf(periodSeconds: number): number {
  return periodSeconds >= 30 ? periodSeconds - 2 : periodSeconds;
}

/**
 * The RDS simulator as a metrics source: each simulator serves its instance's last 60 s
 * per second under CloudWatch's names (`GET <url>` JSON); the seconds are folded into
 * the period's buckets the way CloudWatch would (Sum; Maximum for DatabaseConnections).
 * A bucket is reported only when the simulator holds (nearly) every second of it.
 */
export function createRdsSimSource(urls: readonly string[], fetchFn: typeof fetch = fetch): MetricsSource {
  return {
    name: 'rds-sim',
    async fetch(databases, window, signal) {
      const byIdentifier = new Map(databases.map((database) => [database.identifier.toLowerCase(), database]));
      const datapoints: SourceDatapoint[] = [];
      let firstError: Error | undefined;
      const periodMs = window.periodSeconds * 1000;
      for (const url of urls) {
        try {
          const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
          const response = await fetchFn(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
          if (!response.ok) throw new Error(`the simulator at ${url} answered ${response.status}`);
          const counters = (await response.json()) as SimCounters;
          const database = byIdentifier.get(counters.instanceId.toLowerCase());
          if (!database) continue;
          const buckets = new Map<number, { seconds: number; values: Map<string, number> }>();
          for (const sample of counters.perSecond) {
            const ms = sample.epochSecond * 1000;
            if (ms < window.startMs || ms >= window.endMs) continue;
            const start = Math.floor(ms / periodMs) * periodMs;
            const bucket = buckets.get(start) ?? { seconds: 0, values: new Map<string, number>() };
            bucket.seconds += 1;
            for (const metric of RDS_METRICS) {
              const value = sample[metric] ?? 0;
              const previous = bucket.values.get(metric) ?? 0;
              bucket.values.set(metric, metric === CONNECTIONS_METRIC ? Math.max(previous, value) : previous + value);
            }
            buckets.set(start, bucket);
          }
          for (const [bucketStartMs, bucket] of buckets) {
            if (bucket.seconds < minSecondsOf(window.periodSeconds)) continue;
            for (const metric of RDS_METRICS)
              datapoints.push({
                databaseId: database.id,
                metric,
                bucketStartMs,
                value: bucket.values.get(metric) ?? 0,
              });
          }
        } catch (error) {
          firstError ??= asError(error);
        }
      }
      return firstError ? { datapoints, error: firstError } : { datapoints };
    },
  };
}
