import {
  completedBucketRange,
  CONNECTION_KINDS,
  ONE_MINUTE_TIER,
  retentionCutoffMs,
  rollUpSeconds,
  secondOf,
  TEN_SECOND_TIER,
  type DownsampleTier,
} from '@iamroll/core/rates';
import { forEachYielding } from '../../yield';
import type { DatabaseDirectory } from '../databases/database-directory';
import type { RateSamplesRepository, SampleRow } from './rate-samples-repository';
import { HOUR_MS } from './rate-range';
import { nodeSecondPoints, summedSecondPoints, type RatesMemory } from './rates-memory';

export interface RatePersisterDeps {
  readonly memory: RatesMemory;
  readonly samples: RateSamplesRepository;
  readonly directory: DatabaseDirectory;
  readonly nowMs: () => number;
  /** Wait this long after a bucket ends, so heartbeats covering its last second land first. */
  readonly settleMs?: number;
}

const TIERS: readonly (DownsampleTier & { readonly resolutionSeconds: 10 | 60 })[] = [
  { ...TEN_SECOND_TIER, resolutionSeconds: 10 },
  { ...ONE_MINUTE_TIER, resolutionSeconds: 60 },
];

/**
 * The leader's rate persistence: completed 10 s and 1 min buckets from memory into
 * rate_samples, and deletion past each tier's retention. Databases get a row per
 * bucket (IAM and all connections); nodes only for buckets with connections (most
 * nodes open none for hours, and a fleet of thousands would otherwise write
 * millions of zero rows a day). Each new term of leadership resumes after the newest
 * stored bucket, and only from buckets this process's memory holds whole.
 */
export function createRatePersister({ memory, samples, directory, nowMs, settleMs = 2_000 }: RatePersisterDeps) {
  const since = new Map<number, number>();
  let term: AbortSignal | undefined;

  /** Yields to the event loop every few hundred nodes: a fleet of 10,000 never holds it for long. */
  async function rowsFor(tier: (typeof TIERS)[number], fromMs: number, toMs: number): Promise<SampleRow[]> {
    const { fleet } = memory;
    const rows: SampleRow[] = [];
    const base = { resolutionSeconds: tier.resolutionSeconds } as const;
    for (const database of directory.all()) {
      const series = fleet.database(database.id);
      for (const [metric, held] of [
        ['iam_connects', series?.iamAttempts],
        ['connects', series?.attempts],
      ] as const) {
        for (const row of rollUpSeconds(summedSecondPoints(held ? [held] : [], fromMs, toMs), tier.bucketMs)) {
          rows.push({ ...base, ...row, seriesKind: 'database', seriesId: database.id, metric });
        }
      }
    }
    const [fromSecond, toSecond] = [secondOf(fromMs), secondOf(toMs)];
    await forEachYielding([...fleet.nodeIds()], (nodeId) => {
      // Most nodes open no connection for hours: skip them before building any points.
      if (
        CONNECTION_KINDS.every((kind) => (fleet.nodeSeries(nodeId, kind)?.sumSeconds(fromSecond, toSecond) ?? 0) === 0)
      )
        return;
      for (const row of rollUpSeconds(nodeSecondPoints(fleet, nodeId, fromMs, toMs), tier.bucketMs)) {
        if (row.sum > 0) rows.push({ ...base, ...row, seriesKind: 'node', seriesId: nodeId, metric: 'connects' });
      }
    });
    return rows;
  }

  return async function persist(signal?: AbortSignal): Promise<void> {
    if (signal !== term) {
      since.clear();
      term = signal;
    }
    const now = nowMs();
    for (const tier of TIERS) {
      const memoryFromMs =
        Math.ceil(Math.max(memory.startedAtMs, now - HOUR_MS + tier.bucketMs) / tier.bucketMs) * tier.bucketMs;
      let fromMs = since.get(tier.bucketMs);
      if (fromMs === undefined) {
        const last = await samples.lastBucketStartMs(tier.resolutionSeconds);
        fromMs = last === undefined ? memoryFromMs : last + tier.bucketMs;
      }
      const range = completedBucketRange(Math.max(fromMs, memoryFromMs), now, tier.bucketMs, settleMs);
      if (range) {
        await samples.upsert(await rowsFor(tier, range.fromMs, range.toMs));
        since.set(tier.bucketMs, range.toMs);
      } else {
        since.set(tier.bucketMs, fromMs);
      }
      await samples.deleteBefore(tier.resolutionSeconds, retentionCutoffMs(now, tier));
    }
  };
}
