import type { BucketRow } from '@iamroll/core/rates';
import type pg from 'pg';
import { inChunks } from '../../yield';

export type SeriesKind = 'node' | 'database';

/**
 * What a series counts. `iam_connects`: new IAM authentications (what a database's
 * budget counts); `connects`: every new connection, IAM or password (node series).
 */
export type RateMetric = 'iam_connects' | 'connects';

export interface SampleRow extends BucketRow {
  readonly seriesKind: SeriesKind;
  readonly seriesId: string;
  readonly metric: RateMetric;
  readonly resolutionSeconds: 10 | 60;
}

export interface SeriesKey {
  readonly seriesKind: SeriesKind;
  readonly seriesId: string;
  readonly metric: RateMetric;
}

/**
 * Rows per INSERT: encoding a statement's array parameters is synchronous (pg), so a minute
 * bucket of a 10,000-node fleet in one statement would hold the event loop for tens of ms.
 */
export const SAMPLE_ROWS_PER_STATEMENT = 1_000;

/** rate_samples in raw SQL: thousands of rows per write, read by range on the primary key. */
export function createRateSamplesRepository(pool: pg.Pool) {
  const upsertChunk = async (rows: readonly SampleRow[]): Promise<void> => {
    await pool.query(
      `INSERT INTO rate_samples (series_kind, series_id, metric, resolution_seconds, bucket_start, sum, max, count)
       SELECT k::series_kind, i, m, r, to_timestamp(b / 1000.0), s, x, c
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[], $5::float8[], $6::float8[], $7::float8[], $8::int[]) AS u(k, i, m, r, b, s, x, c)
       ON CONFLICT (series_kind, series_id, metric, resolution_seconds, bucket_start)
       DO UPDATE SET sum = EXCLUDED.sum, max = EXCLUDED.max, count = EXCLUDED.count`,
      [
        rows.map((row) => row.seriesKind),
        rows.map((row) => row.seriesId),
        rows.map((row) => row.metric),
        rows.map((row) => row.resolutionSeconds),
        rows.map((row) => row.bucketStartMs),
        rows.map((row) => row.sum),
        rows.map((row) => row.max),
        rows.map((row) => row.count),
      ],
    );
  };
  return {
    /** Idempotent: a bucket written twice (two leaders overlapping) keeps the last figures. In statements of SAMPLE_ROWS_PER_STATEMENT. */
    async upsert(all: readonly SampleRow[]): Promise<void> {
      await inChunks(all, SAMPLE_ROWS_PER_STATEMENT, upsertChunk);
    },

    /** Buckets of one series in [fromMs, toMs), oldest first. */
    async range(key: SeriesKey, resolutionSeconds: 10 | 60, fromMs: number, toMs: number): Promise<BucketRow[]> {
      const { rows } = await pool.query<{ bucketStartMs: string; sum: number; max: number; count: number }>(
        `SELECT (extract(epoch FROM bucket_start) * 1000)::bigint AS "bucketStartMs", sum, max, count
           FROM rate_samples
          WHERE series_kind = $1::series_kind AND series_id = $2 AND metric = $3 AND resolution_seconds = $4
            AND bucket_start >= to_timestamp($5 / 1000.0) AND bucket_start < to_timestamp($6 / 1000.0)
          ORDER BY bucket_start`,
        [key.seriesKind, key.seriesId, key.metric, resolutionSeconds, fromMs, toMs],
      );
      return rows.map((row) => ({
        bucketStartMs: Number(row.bucketStartMs),
        sum: row.sum,
        max: row.max,
        count: row.count,
      }));
    },

    /** The start of the newest bucket written at this resolution, if any. */
    async lastBucketStartMs(resolutionSeconds: 10 | 60): Promise<number | undefined> {
      const { rows } = await pool.query<{ lastMs: string | null }>(
        `SELECT (extract(epoch FROM max(bucket_start)) * 1000)::bigint AS "lastMs" FROM rate_samples WHERE resolution_seconds = $1`,
        [resolutionSeconds],
      );
      const lastMs = rows[0]?.lastMs;
      return lastMs === null || lastMs === undefined ? undefined : Number(lastMs);
    },

    async deleteBefore(resolutionSeconds: 10 | 60, cutoffMs: number): Promise<number> {
      const { rowCount } = await pool.query(
        `DELETE FROM rate_samples WHERE resolution_seconds = $1 AND bucket_start < to_timestamp($2 / 1000.0)`,
        [resolutionSeconds, cutoffMs],
      );
      return rowCount ?? 0;
    },
  };
}

export type RateSamplesRepository = ReturnType<typeof createRateSamplesRepository>;
