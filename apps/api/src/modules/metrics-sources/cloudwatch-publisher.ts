import { PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { secondOf, SECOND_MS, type FleetRates } from '@iamroll/core/rates';
import { nodeSecondPoints } from '../rates/rates-memory';
import type { CloudWatchClients } from './cloudwatch-clients';
import { RDS_DIMENSION, type SourceDatabase } from './metrics-source';

/** Custom metric names (namespace IAMROLL_CLOUDWATCH_NAMESPACE). */
export const DATABASE_RATE_METRIC = 'IamConnectionRate';
export const NODE_RATE_METRIC = 'NodeConnectionRate';
export const NODE_DIMENSION = 'NodeId';

/** PutMetricData limits: 1,000 MetricDatum per request, 1 MB per request, 150 values per Values array. */
export const MAX_DATUMS_PER_REQUEST = 1000;
export const MAX_REQUEST_BYTES = 1_000_000;
export const MAX_VALUES_PER_DATUM = 150;
/** Leave room for the envelope (Namespace, JSON punctuation). */
const REQUEST_BYTES_BUDGET = MAX_REQUEST_BYTES - 10_000;
/** Heartbeats for a second may arrive a second or two late: publish seconds at least this old. */
const SETTLE_SECONDS = 2;
/** After a long outage, publish at most the last ten minutes (older seconds are dropped, not queued). */
const MAX_CATCH_UP_SECONDS = 600;

export interface PublisherNode {
  readonly id: string;
}

export interface PublisherDeps {
  readonly clients: CloudWatchClients;
  readonly namespace: string;
  readonly fleet: FleetRates;
  readonly databases: () => Promise<readonly SourceDatabase[]>;
  readonly nodes: () => Iterable<PublisherNode>;
  /** Seconds before this are not in memory (the process started then). */
  readonly startedAtMs: number;
  /** A new publisher (this process just became leader) starts one period back, not further. */
  readonly periodSeconds: number;
  readonly nowMs: () => number;
}

/**
 * Per-database datums: one per second (Value = IAM logins that second, Count/Second,
 * StorageResolution 1), so CloudWatch holds the same 1 s series the budget is judged on.
 * Per-node datums: one per node and window with Values/Counts (each distinct per-second
 * rate and how many seconds had it): exact Sum/Max/SampleCount over the window at a
 * fraction of the datums, chunked at 150 distinct values.
 */
export function buildDatums(
  fleet: FleetRates,
  databases: readonly SourceDatabase[],
  nodes: Iterable<PublisherNode>,
  fromSecond: number,
  toSecond: number,
): { readonly region: string; readonly datum: MetricDatum }[] {
  const out: { region: string; datum: MetricDatum }[] = [];
  for (const database of databases) {
    const series = fleet.database(database.id)?.iamAttempts;
    for (let second = fromSecond; second < toSecond; second++) {
      out.push({
        region: database.region,
        datum: {
          MetricName: DATABASE_RATE_METRIC,
          Dimensions: [{ Name: RDS_DIMENSION, Value: database.identifier }],
          Timestamp: new Date(second * SECOND_MS),
          Value: series?.countAt(second) ?? 0,
          Unit: 'Count/Second',
          StorageResolution: 1,
        },
      });
    }
  }
  // A node's series is not tied to one region: publish nodes in the first database's region (the controller's home).
  const nodeRegion = databases[0]?.region;
  if (nodeRegion === undefined) return out;
  for (const node of nodes) {
    // A node that never connected costs a custom metric for nothing.
    if (!fleet.nodeSeries(node.id, 'rw') && !fleet.nodeSeries(node.id, 'ro')) continue;
    const histogram = new Map<number, number>();
    for (const point of nodeSecondPoints(fleet, node.id, fromSecond * SECOND_MS, toSecond * SECOND_MS))
      histogram.set(point.count, (histogram.get(point.count) ?? 0) + 1);
    const entries = [...histogram.entries()].sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < entries.length; i += MAX_VALUES_PER_DATUM) {
      const chunk = entries.slice(i, i + MAX_VALUES_PER_DATUM);
      out.push({
        region: nodeRegion,
        datum: {
          MetricName: NODE_RATE_METRIC,
          Dimensions: [{ Name: NODE_DIMENSION, Value: node.id }],
          Timestamp: new Date(fromSecond * SECOND_MS),
          Values: chunk.map(([value]) => value),
          Counts: chunk.map(([, count]) => count),
          Unit: 'Count/Second',
          StorageResolution: 1,
        },
      });
    }
  }
  return out;
}

/** Splits datums into requests within both limits: 1,000 datums and 1 MB of JSON. */
export function batchDatums(datums: readonly MetricDatum[]): MetricDatum[][] {
  const batches: MetricDatum[][] = [];
  let current: MetricDatum[] = [];
  let bytes = 0;
  for (const datum of datums) {
    const size = JSON.stringify(datum).length + 1;
    if (current.length > 0 && (current.length >= MAX_DATUMS_PER_REQUEST || bytes + size > REQUEST_BYTES_BUDGET)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(datum);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** One publish pass: the completed seconds since the last one, every database and node. */
export function createPublisher(deps: PublisherDeps) {
  let publishedUpToSecond: number | undefined;
  return async function publish(signal: AbortSignal): Promise<void> {
    const toSecond = secondOf(deps.nowMs()) - SETTLE_SECONDS;
    const earliest = Math.max(secondOf(deps.startedAtMs), toSecond - MAX_CATCH_UP_SECONDS);
    // A previous leader published up to about now: a new one re-sends at most one period (CloudWatch
    // would add duplicates into Sum; Maximum, which the alarms use, is unaffected).
    const fromSecond = Math.max(publishedUpToSecond ?? toSecond - deps.periodSeconds, earliest);
    if (toSecond <= fromSecond) return;
    const databases = await deps.databases();
    const byRegion = new Map<string, MetricDatum[]>();
    for (const { region, datum } of buildDatums(deps.fleet, databases, deps.nodes(), fromSecond, toSecond)) {
      const list = byRegion.get(region) ?? [];
      list.push(datum);
      byRegion.set(region, list);
    }
    for (const [region, datums] of byRegion) {
      for (const batch of batchDatums(datums)) {
        await deps.clients
          .forRegion(region)
          .send(new PutMetricDataCommand({ Namespace: deps.namespace, MetricData: batch }), { abortSignal: signal });
      }
    }
    // Only a complete pass moves on: a failed one is retried whole after the backoff.
    publishedUpToSecond = toSecond;
  };
}
