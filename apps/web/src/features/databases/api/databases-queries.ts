import type {
  DatabaseIamCheck,
  DatabaseList,
  DatabaseView,
  MetricsSourceList,
  MetricsSourceName,
  RateSeries,
  RatesQuery,
  SourceRateSeries,
  UpdateDatabaseBody,
} from '@iamroll/contracts';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** The time ranges of the database page; `step` left to the API (about 720 points). */
export const RATE_RANGES = {
  '5m': { label: 'Last 5 min (1 s)', spanMs: 5 * 60_000, step: 1, refetchMs: 2_000 },
  '1h': { label: 'Last hour', spanMs: 3_600_000, step: undefined, refetchMs: 10_000 },
  '1d': { label: 'Last day', spanMs: 86_400_000, step: undefined, refetchMs: 60_000 },
  '30d': { label: 'Last 30 days', spanMs: 30 * 86_400_000, step: undefined, refetchMs: 300_000 },
} as const;
export type RateRange = keyof typeof RATE_RANGES;

export function isRateRange(value: string | null): value is RateRange {
  return value !== null && value in RATE_RANGES;
}

export const databaseKeys = {
  all: ['databases'] as const,
  lists: () => [...databaseKeys.all, 'list'] as const,
  list: () => [...databaseKeys.lists(), { limit: 500 }] as const,
  details: () => [...databaseKeys.all, 'detail'] as const,
  detail: (id: string) => [...databaseKeys.details(), id] as const,
  rates: (id: string, range: RateRange) => [...databaseKeys.detail(id), 'rates', range] as const,
  sourceRates: (id: string, source: MetricsSourceName, range: RateRange) =>
    [...databaseKeys.detail(id), 'rates', range, source] as const,
  sources: () => ['metrics-sources'] as const,
};

/** The range as query parameters, relative to now (the API clamps and rounds to its resolution). */
export function rangeQuery(range: RateRange, nowMs = Date.now()): RatesQuery {
  const { spanMs, step } = RATE_RANGES[range];
  return { from: String(nowMs - spanMs), to: String(nowMs), ...(step ? { step } : {}) };
}

export const databasesQuery = () =>
  queryOptions({
    queryKey: databaseKeys.list(),
    queryFn: ({ signal }) => api.get<DatabaseList>('/api/v1/databases', { limit: 500 }, signal),
    // rates.tick patches the rate every second; the rest (peak, counts) is refetched now and then.
    refetchInterval: 10_000,
  });

export const databaseQuery = (id: string) =>
  queryOptions({
    queryKey: databaseKeys.detail(id),
    queryFn: ({ signal }) => api.get<DatabaseView>(`/api/v1/databases/${encodeURIComponent(id)}`, undefined, signal),
    refetchInterval: 10_000,
  });

export const databaseRatesQuery = (id: string, range: RateRange) =>
  queryOptions({
    queryKey: databaseKeys.rates(id, range),
    queryFn: ({ signal }) =>
      api.get<RateSeries>(`/api/v1/databases/${encodeURIComponent(id)}/rates`, { ...rangeQuery(range) }, signal),
    refetchInterval: RATE_RANGES[range].refetchMs,
    placeholderData: (previous) => previous,
  });

/** Which metrics sources run (CloudWatch, the RDS simulator) and whether each is degraded. */
export const metricsSourcesQuery = () =>
  queryOptions({
    queryKey: databaseKeys.sources(),
    queryFn: ({ signal }) => api.get<MetricsSourceList>('/api/v1/metrics-sources', undefined, signal),
    refetchInterval: 30_000,
  });

/** The database as the source counts it, at the source's period (a minute for CloudWatch and the simulator). */
export const databaseSourceRatesQuery = (id: string, source: MetricsSourceName, range: RateRange) =>
  queryOptions({
    queryKey: databaseKeys.sourceRates(id, source, range),
    queryFn: ({ signal }) => {
      const { from, to } = rangeQuery(range);
      return api.get<SourceRateSeries>(
        `/api/v1/databases/${encodeURIComponent(id)}/rates/${source}`,
        { ...(from ? { from } : {}), ...(to ? { to } : {}) },
        signal,
      );
    },
    refetchInterval: Math.max(10_000, RATE_RANGES[range].refetchMs),
    placeholderData: (previous) => previous,
  });

export function updateDatabase(id: string, body: UpdateDatabaseBody): Promise<DatabaseView> {
  return api.patch<DatabaseView>(`/api/v1/databases/${encodeURIComponent(id)}`, body);
}

/** `POST /api/v1/databases/{id}/check` (operator): DescribeDBInstances now. */
export function checkDatabaseIam(id: string): Promise<DatabaseIamCheck> {
  return api.post<DatabaseIamCheck>(`/api/v1/databases/${encodeURIComponent(id)}/check`);
}
