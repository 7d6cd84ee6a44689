import type { NodeFailurePoint, RateSeries, RatesQuery } from '@iamroll/contracts';
import { rollUpSeconds, secondOf, SECOND_MS, type BucketRow, type SecondPoint } from '@iamroll/core/rates';
import { AppError } from '../../errors';
import type { DatabaseDirectory } from '../databases/database-directory';
import type { NodeRegistry } from '../nodes/node-registry';
import type { RateSamplesRepository, SeriesKey } from './rate-samples-repository';
import { foldIntoPoints, HOUR_MS, planRange, secondBuckets } from './rate-range';
import { nodeSecondPoints, summedSecondPoints, type RatesMemory } from './rates-memory';

export interface RatesServiceDeps {
  readonly memory: RatesMemory;
  readonly samples: RateSamplesRepository;
  readonly directory: DatabaseDirectory;
  readonly registry: NodeRegistry;
  readonly nowMs: () => number;
}

interface SeriesSource {
  readonly key: SeriesKey;
  readonly secondPoints: (fromMs: number, toMs: number) => SecondPoint[];
}

export function createRatesService({ memory, samples, directory, registry, nowMs }: RatesServiceDeps) {
  /** The ring holds an hour up to its newest second; stay a second inside it. */
  const memoryFromMs = (now: number) => Math.max(memory.startedAtMs, now - HOUR_MS + 1000);

  async function series(source: SeriesSource, query: RatesQuery): Promise<RateSeries> {
    const now = nowMs();
    const memoryFrom = memoryFromMs(now);
    const range = planRange(query, now, memoryFrom);
    if (range.resolution === 1) {
      return {
        points: foldIntoPoints(range, secondBuckets(source.secondPoints(range.startMs, range.toMs))),
        resolution: 1,
      };
    }
    const bucketMs = range.resolution * 1000;
    const stored = await samples.range(source.key, range.resolution, range.startMs, range.toMs);
    // Memory is fresher than rate_samples (which trail by a bucket or two): it wins where it holds the whole bucket.
    const memoryStartMs = Math.ceil(memoryFrom / bucketMs) * bucketMs;
    const fromMemory =
      memoryStartMs < range.toMs
        ? rollUpSeconds(source.secondPoints(Math.max(memoryStartMs, range.startMs), range.toMs), bucketMs)
        : [];
    const byStart = new Map<number, BucketRow>(stored.map((row) => [row.bucketStartMs, row]));
    for (const row of fromMemory) byStart.set(row.bucketStartMs, row);
    return { points: foldIntoPoints(range, [...byStart.values()]), resolution: range.resolution };
  }

  return {
    /** New IAM authentications per second against the database's budget. */
    async databaseRates(databaseId: string, query: RatesQuery): Promise<RateSeries> {
      const database = directory.get(databaseId);
      if (!database) throw AppError.notFound('The database');
      const result = await series(
        {
          key: { seriesKind: 'database', seriesId: databaseId, metric: 'iam_connects' },
          secondPoints: (fromMs, toMs) => {
            const held = memory.fleet.database(databaseId);
            return summedSecondPoints(held ? [held.iamAttempts] : [], fromMs, toMs);
          },
        },
        query,
      );
      return { ...result, budgetPerSecond: database.budgetPerSecond, source: 'local' };
    },

    /** The node's last `seconds` at 1 s from memory, whenever this process started (zeros before). */
    recentNodeSeconds(nodeId: string, seconds: number): RateSeries {
      const range = planRange(
        { from: String(nowMs() - seconds * 1000), to: String(nowMs()), step: 1 },
        nowMs(),
        Number.NEGATIVE_INFINITY,
      );
      return {
        points: foldIntoPoints(range, secondBuckets(nodeSecondPoints(memory.fleet, nodeId, range.startMs, range.toMs))),
        resolution: 1,
      };
    },

    /** The node's failed logins per second by cause over its last `seconds` (memory holds five minutes). */
    recentNodeFailures(nodeId: string, seconds: number): NodeFailurePoint[] {
      const node = memory.fleet.node(nodeId);
      // Failures are events counted at the second they were reported: the current second is shown too.
      const last = secondOf(nowMs());
      const points: NodeFailurePoint[] = [];
      for (let second = last - seconds + 1; second <= last; second++)
        points.push({
          t: second * SECOND_MS,
          invalidToken: node?.failures?.invalidToken.countAt(second) ?? 0,
          notAuthorized: node?.failures?.notAuthorized.countAt(second) ?? 0,
          throttled: node?.throttled?.countAt(second) ?? 0,
          other: node?.failures?.other.countAt(second) ?? 0,
        });
      return points;
    },

    /** Every new connection of the node per second, read-write and read-only together. */
    async nodeRates(nodeId: string, query: RatesQuery): Promise<RateSeries> {
      if (!(await registry.ensure(nodeId))) throw AppError.notFound('The node');
      return series(
        {
          key: { seriesKind: 'node', seriesId: nodeId, metric: 'connects' },
          secondPoints: (fromMs, toMs) => nodeSecondPoints(memory.fleet, nodeId, fromMs, toMs),
        },
        query,
      );
    },
  };
}

export type RatesService = ReturnType<typeof createRatesService>;
