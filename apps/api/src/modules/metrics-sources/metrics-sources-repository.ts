import type { MetricsSourceName } from '@iamroll/contracts';
import type pg from 'pg';
import type { SourceErrorKind } from './source-errors';
import type { SourceDatabase, SourceDatapoint } from './metrics-source';

export interface PartStatusRow {
  readonly name: string;
  readonly state: 'ok' | 'degraded';
  readonly consecutiveFailures: number;
  readonly errorKind: SourceErrorKind | null;
  readonly errorMessage: string | null;
  readonly lastSuccessAt: Date | null;
  readonly lastFailureAt: Date | null;
  readonly nextAttemptAt: Date | null;
}

export type PartStatusUpdate =
  | { readonly name: string; readonly ok: true; readonly atMs: number; readonly nextAttemptAtMs: number }
  | {
      readonly name: string;
      readonly ok: false;
      readonly atMs: number;
      readonly nextAttemptAtMs: number;
      readonly consecutiveFailures: number;
      readonly errorKind: SourceErrorKind;
      readonly errorMessage: string;
    };

/** source_metric_samples and metrics_source_status, in raw SQL (batched upserts, range reads). */
export function createMetricsSourcesRepository(pool: pg.Pool) {
  return {
    async databases(): Promise<SourceDatabase[]> {
      const { rows } = await pool.query<SourceDatabase>(
        `SELECT id, identifier, region, budget_per_second AS "budgetPerSecond", warning_threshold AS "warningThreshold"
           FROM databases ORDER BY identifier`,
      );
      return rows;
    },

    /** Idempotent: a period re-read (late datapoints) keeps the latest value. */
    async upsertSamples(
      source: MetricsSourceName,
      periodSeconds: number,
      points: readonly SourceDatapoint[],
    ): Promise<void> {
      if (points.length === 0) return;
      await pool.query(
        `INSERT INTO source_metric_samples (database_id, source, metric, period_seconds, bucket_start, value)
         SELECT d, $1, m, $2, to_timestamp(b / 1000.0), v
           FROM unnest($3::uuid[], $4::text[], $5::float8[], $6::float8[]) AS u(d, m, b, v)
         ON CONFLICT (database_id, source, metric, period_seconds, bucket_start) DO UPDATE SET value = EXCLUDED.value`,
        [
          source,
          periodSeconds,
          points.map((p) => p.databaseId),
          points.map((p) => p.metric),
          points.map((p) => p.bucketStartMs),
          points.map((p) => p.value),
        ],
      );
    },

    /** Every metric of one database from one source in [fromMs, toMs), oldest first. */
    async samples(
      databaseId: string,
      source: MetricsSourceName,
      periodSeconds: number,
      fromMs: number,
      toMs: number,
    ): Promise<{ metric: string; bucketStartMs: number; value: number }[]> {
      const { rows } = await pool.query<{ metric: string; bucketStartMs: string; value: number }>(
        `SELECT metric, (extract(epoch FROM bucket_start) * 1000)::bigint AS "bucketStartMs", value
           FROM source_metric_samples
          WHERE database_id = $1 AND source = $2 AND period_seconds = $3
            AND bucket_start >= to_timestamp($4 / 1000.0) AND bucket_start < to_timestamp($5 / 1000.0)
          ORDER BY metric, bucket_start`,
        [databaseId, source, periodSeconds, fromMs, toMs],
      );
      return rows.map((row) => ({ metric: row.metric, bucketStartMs: Number(row.bucketStartMs), value: row.value }));
    },

    async deleteBefore(cutoffMs: number): Promise<number> {
      const { rowCount } = await pool.query(
        'DELETE FROM source_metric_samples WHERE bucket_start < to_timestamp($1 / 1000.0)',
        [cutoffMs],
      );
      return rowCount ?? 0;
    },

    async writeStatus(update: PartStatusUpdate): Promise<void> {
      if (update.ok) {
        await pool.query(
          `INSERT INTO metrics_source_status (name, state, consecutive_failures, last_success_at, next_attempt_at, updated_at)
           VALUES ($1, 'ok', 0, to_timestamp($2 / 1000.0), to_timestamp($3 / 1000.0), now())
           ON CONFLICT (name) DO UPDATE SET state = 'ok', consecutive_failures = 0, error_kind = NULL, error_message = NULL,
             last_success_at = EXCLUDED.last_success_at, next_attempt_at = EXCLUDED.next_attempt_at, updated_at = now()`,
          [update.name, update.atMs, update.nextAttemptAtMs],
        );
        return;
      }
      await pool.query(
        `INSERT INTO metrics_source_status (name, state, consecutive_failures, error_kind, error_message, last_failure_at, next_attempt_at, updated_at)
         VALUES ($1, 'degraded', $2, $3, $4, to_timestamp($5 / 1000.0), to_timestamp($6 / 1000.0), now())
         ON CONFLICT (name) DO UPDATE SET state = 'degraded', consecutive_failures = EXCLUDED.consecutive_failures,
           error_kind = EXCLUDED.error_kind, error_message = EXCLUDED.error_message,
           last_failure_at = EXCLUDED.last_failure_at, next_attempt_at = EXCLUDED.next_attempt_at, updated_at = now()`,
        [
          update.name,
          update.consecutiveFailures,
          update.errorKind,
          update.errorMessage,
          update.atMs,
          update.nextAttemptAtMs,
        ],
      );
    },

    async statuses(): Promise<PartStatusRow[]> {
      const { rows } = await pool.query<PartStatusRow>(
        `SELECT name, state, consecutive_failures AS "consecutiveFailures", error_kind AS "errorKind",
                error_message AS "errorMessage", last_success_at AS "lastSuccessAt", last_failure_at AS "lastFailureAt",
                next_attempt_at AS "nextAttemptAt"
           FROM metrics_source_status ORDER BY name`,
      );
      return rows;
    },
  };
}

export type MetricsSourcesRepository = ReturnType<typeof createMetricsSourcesRepository>;
