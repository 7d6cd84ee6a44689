import type { MetricsSourcesRepository } from './metrics-sources-repository';
import { pollWindow, type MetricsSource, type SourceDatabase } from './metrics-source';

/** Source series are kept as long as the 1 min local rates. */
export const SOURCE_RETENTION_MS = 30 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;
/** CloudWatch's RDS datapoints arrive a minute or more late: every poll re-reads about ten minutes. */
const LOOKBACK_MS = 10 * 60_000;

export interface PollSourceDeps {
  readonly source: MetricsSource;
  readonly repository: MetricsSourcesRepository;
  readonly periodSeconds: number;
  readonly nowMs: () => number;
  /** After the samples are stored (reconciliation); its failure does not degrade the source. */
  readonly afterPoll?: (databases: readonly SourceDatabase[]) => Promise<void>;
  readonly onAfterPollError?: (error: unknown) => void;
}

/** One poll: every registered database's metrics for the lookback window → source_metric_samples. */
export function createSourcePoll({
  source,
  repository,
  periodSeconds,
  nowMs,
  afterPoll,
  onAfterPollError,
}: PollSourceDeps) {
  const lookbackPeriods = Math.max(3, Math.ceil(LOOKBACK_MS / (periodSeconds * 1000)));
  let lastPruneMs = 0;
  return async function poll(signal: AbortSignal): Promise<void> {
    const databases = await repository.databases();
    const now = nowMs();
    if (databases.length > 0) {
      const result = await source.fetch(databases, pollWindow(now, periodSeconds, lookbackPeriods), signal);
      await repository.upsertSamples(source.name, periodSeconds, result.datapoints);
      if (result.error !== undefined) throw result.error;
      if (afterPoll) await afterPoll(databases).catch((error: unknown) => onAfterPollError?.(error));
    }
    if (now - lastPruneMs >= PRUNE_EVERY_MS) {
      lastPruneMs = now;
      await repository.deleteBefore(now - SOURCE_RETENTION_MS);
    }
  };
}
