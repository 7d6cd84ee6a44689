import type {
  MetricsSourceList,
  MetricsSourceName,
  MetricsSourcePart,
  MetricsSourceView,
  SourceRateSeries,
  SourceRatesQuery,
} from '@iamroll/contracts';
import type { CloudWatchConfig } from '../../config';
import { AppError } from '../../errors';
import { parseTime } from '../rates/rate-range';
import type { MetricsSourcesRepository, PartStatusRow } from './metrics-sources-repository';
import { statisticOf, RDS_METRICS, type RdsMetricName } from './metrics-source';

type PartName = MetricsSourcePart['part'];

/** Which parts run, from the configuration. */
export function enabledParts(config: CloudWatchConfig): Record<MetricsSourceName, PartName[]> {
  return {
    cloudwatch: [
      ...(config.isPolling ? (['poll'] as const) : []),
      ...(config.isPublishing ? (['publish'] as const) : []),
      ...(config.isManagingAlarms ? (['alarms'] as const) : []),
    ],
    'rds-sim': config.simulatorMetricsUrls.length > 0 ? ['poll'] : [],
  };
}

const HOUR_MS = 3_600_000;

function partView(part: PartName, row: PartStatusRow | undefined): MetricsSourcePart {
  return {
    part,
    state: row?.state ?? 'ok',
    consecutiveFailures: row?.consecutiveFailures ?? 0,
    errorKind: row?.errorKind ?? null,
    errorMessage: row?.errorMessage ?? null,
    lastSuccessAt: row?.lastSuccessAt?.toISOString() ?? null,
    lastFailureAt: row?.lastFailureAt?.toISOString() ?? null,
    nextAttemptAt: row?.nextAttemptAt?.toISOString() ?? null,
  };
}

export function createMetricsSourcesService(deps: {
  readonly config: CloudWatchConfig;
  readonly repository: MetricsSourcesRepository;
  readonly budgetOf: (databaseId: string) => Promise<number | undefined>;
  readonly nowMs: () => number;
}) {
  const parts = enabledParts(deps.config);

  async function list(): Promise<MetricsSourceList> {
    const rows = new Map((await deps.repository.statuses()).map((row) => [row.name, row]));
    const items = (Object.keys(parts) as MetricsSourceName[]).map((source): MetricsSourceView => {
      const views = parts[source].map((part) => partView(part, rows.get(`${source}:${part}`)));
      const state = views.length === 0 ? 'off' : views.some((view) => view.state === 'degraded') ? 'degraded' : 'ok';
      return { source, state, periodSeconds: deps.config.periodSeconds, parts: views };
    });
    return { items };
  }

  return {
    list,

    async sourceRates(
      databaseId: string,
      source: MetricsSourceName,
      query: SourceRatesQuery,
    ): Promise<SourceRateSeries> {
      const budgetPerSecond = await deps.budgetOf(databaseId);
      if (budgetPerSecond === undefined) throw AppError.notFound('The database');
      const now = deps.nowMs();
      const toMs = parseTime(query.to, 'query.to') ?? now;
      const fromMs = parseTime(query.from, 'query.from') ?? toMs - HOUR_MS;
      if (fromMs >= toMs)
        throw new AppError('validation', '`from` must be before `to`.', [
          { path: 'query.from', message: 'must be before to' },
        ]);
      const period = deps.config.periodSeconds;
      const rows = await deps.repository.samples(databaseId, source, period, fromMs, toMs);
      const metrics = RDS_METRICS.map((name: RdsMetricName) => ({
        name,
        statistic: statisticOf(name),
        points: rows.filter((row) => row.metric === name).map((row) => ({ t: row.bucketStartMs, value: row.value })),
      })).filter((metric) => metric.points.length > 0);
      const requests = metrics.find((metric) => metric.name === 'IamDbAuthConnectionRequests');
      const view = (await list()).items.find((item) => item.source === source);
      return {
        source,
        state: view?.state ?? 'off',
        resolution: period,
        budgetPerSecond,
        points: (requests?.points ?? []).map((point) => ({ t: point.t, rate: point.value / period })),
        metrics,
      };
    },
  };
}

export type MetricsSourcesService = ReturnType<typeof createMetricsSourcesService>;
