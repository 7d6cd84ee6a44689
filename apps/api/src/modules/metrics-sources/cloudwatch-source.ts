import { asError } from './source-errors';
import { GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchClients } from './cloudwatch-clients';
import {
  RDS_DIMENSION,
  RDS_METRICS,
  RDS_NAMESPACE,
  statisticOf,
  type MetricsSource,
  type MetricWindow,
  type RdsMetricName,
  type SourceDatabase,
  type SourceDatapoint,
} from './metrics-source';

/** GetMetricData takes at most 500 MetricDataQuery entries per request. */
export const MAX_QUERIES_PER_REQUEST = 500;
/** Datapoints per response page (the API's maximum is 100,800); NextToken pages beyond. */
const MAX_DATAPOINTS = 100_800;

interface QueryRef {
  readonly databaseId: string;
  readonly metric: RdsMetricName;
}

/**
 * Every database's RDS metrics, one query per (database, metric): Ids `d<i>_m<j>` (Ids
 * must start with a lower-case letter), grouped by region, 500 queries per request, so
 * 55 databases (9 metrics each) share one call.
 */
export function buildMetricQueries(
  databases: readonly SourceDatabase[],
  periodSeconds: number,
): { readonly batches: MetricDataQuery[][]; readonly refs: Map<string, QueryRef> } {
  const refs = new Map<string, QueryRef>();
  const queries: MetricDataQuery[] = [];
  databases.forEach((database, i) => {
    RDS_METRICS.forEach((metric, j) => {
      const id = `d${i}_m${j}`;
      refs.set(id, { databaseId: database.id, metric });
      queries.push({
        Id: id,
        MetricStat: {
          Metric: {
            Namespace: RDS_NAMESPACE,
            MetricName: metric,
            Dimensions: [{ Name: RDS_DIMENSION, Value: database.identifier }],
          },
          Period: periodSeconds,
          Stat: statisticOf(metric),
        },
        ReturnData: true,
      });
    });
  });
  const batches: MetricDataQuery[][] = [];
  for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_REQUEST)
    batches.push(queries.slice(i, i + MAX_QUERIES_PER_REQUEST));
  return { batches, refs };
}

function byRegion(databases: readonly SourceDatabase[]): Map<string, SourceDatabase[]> {
  const groups = new Map<string, SourceDatabase[]>();
  for (const database of databases) {
    const group = groups.get(database.region) ?? [];
    group.push(database);
    groups.set(database.region, group);
  }
  return groups;
}

export function createCloudWatchSource(clients: CloudWatchClients): MetricsSource {
  return {
    name: 'cloudwatch',
    async fetch(databases, window: MetricWindow, signal) {
      const datapoints: SourceDatapoint[] = [];
      let firstError: Error | undefined;
      for (const [region, group] of byRegion(databases)) {
        const { batches, refs } = buildMetricQueries(group, window.periodSeconds);
        try {
          for (const batch of batches) {
            let nextToken: string | undefined;
            do {
              const response = await clients.forRegion(region).send(
                new GetMetricDataCommand({
                  MetricDataQueries: batch,
                  StartTime: new Date(window.startMs),
                  EndTime: new Date(window.endMs),
                  ScanBy: 'TimestampAscending',
                  MaxDatapoints: MAX_DATAPOINTS,
                  ...(nextToken ? { NextToken: nextToken } : {}),
                }),
                { abortSignal: signal },
              );
              for (const result of response.MetricDataResults ?? []) {
                const ref = result.Id ? refs.get(result.Id) : undefined;
                if (!ref) continue;
                const timestamps = result.Timestamps ?? [];
                const values = result.Values ?? [];
                timestamps.forEach((timestamp, k) => {
                  const value = values[k];
                  if (value === undefined) return;
                  datapoints.push({ ...ref, bucketStartMs: timestamp.getTime(), value });
                });
              }
              nextToken = response.NextToken;
            } while (nextToken);
          }
        } catch (error) {
          // Other regions still answer; the part is degraded all the same.
          firstError ??= asError(error);
        }
      }
      return firstError ? { datapoints, error: firstError } : { datapoints };
    },
  };
}
