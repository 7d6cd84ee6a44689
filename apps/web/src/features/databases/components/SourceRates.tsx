import type { MetricsSourceName, RatePoint, SourceRateSeries } from '@iamroll/contracts';
import { useQuery } from '@tanstack/react-query';
import { RateChart } from '../../../components/RateChart';
import { ErrorState } from '../../../components/states';
import { formatRate } from '../../../lib/format';
import { databaseSourceRatesQuery, metricsSourcesQuery, type RateRange } from '../api/databases-queries';

const SOURCE_NAMES: Readonly<Record<MetricsSourceName, string>> = {
  cloudwatch: 'Amazon CloudWatch',
  'rds-sim': 'the RDS simulator',
};

function total(series: SourceRateSeries, metric: string): number {
  return series.metrics.find((m) => m.name === metric)?.points.reduce((sum, point) => sum + point.value, 0) ?? 0;
}

/** The agents' average over the source's last period, to set beside the source's own figure. */
function localAverage(local: readonly RatePoint[], fromMs: number, toMs: number): number | null {
  const inPeriod = local.filter((point) => point.t >= fromMs && point.t < toMs);
  if (inPeriod.length === 0) return null;
  return inPeriod.reduce((sum, point) => sum + point.rate, 0) / inPeriod.length;
}

function SourceChart(props: {
  id: string;
  identifier: string;
  source: MetricsSourceName;
  range: RateRange;
  warningThreshold: number;
  local: readonly RatePoint[];
}) {
  const query = useQuery(databaseSourceRatesQuery(props.id, props.source, props.range));
  const name = SOURCE_NAMES[props.source];
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const series = query.data;
  const last = series?.points.at(-1);
  const agents = last && series ? localAverage(props.local, last.t, last.t + series.resolution * 1000) : null;
  return (
    <div data-testid="source-rates" data-source={props.source}>
      <h3>As {name} counts them</h3>
      <RateChart
        title={`${props.identifier} IAM logins per second as ${name} counts them`}
        points={(series?.points ?? []).map((point) => ({ ...point, peak: point.rate }))}
        budgetPerSecond={series?.budgetPerSecond}
        warningThreshold={props.warningThreshold}
        isShowingPeak={false}
        seriesLabel={`${props.source} logins/s`}
        height={200}
      />
      {series && (
        <p className="small" data-testid="source-summary">
          {last
            ? `Last ${series.resolution} s period: ${formatRate(last.rate)} at the database${agents === null ? '' : `, ${formatRate(agents)} from the agents' counters`}. `
            : `No full ${series.resolution} s period yet (the source reports once a period). `}
          In this range: {total(series, 'IamDbAuthConnectionRequests')} IAM logins,{' '}
          {total(series, 'IamDbAuthConnectionFailure')} failed,{' '}
          <span className={total(series, 'IamDbAuthConnectionFailureThrottling') > 0 ? 'text-critical' : undefined}>
            {total(series, 'IamDbAuthConnectionFailureThrottling')} throttled
          </span>
          .{series.state === 'degraded' ? ' The source is degraded: its newest figures may be missing.' : ''}
        </p>
      )}
    </div>
  );
}

/** The database's own figures (CloudWatch's IamDbAuth* metrics, or the simulator's), beside the agents'. */
export function SourceRates(props: {
  id: string;
  identifier: string;
  range: RateRange;
  warningThreshold: number;
  local: readonly RatePoint[];
}) {
  const sources = useQuery(metricsSourcesQuery());
  const running = (sources.data?.items ?? []).filter(
    (item) => item.state !== 'off' && item.parts.some((part) => part.part === 'poll' && part.state !== 'off'),
  );
  if (running.length === 0) return null;
  return (
    <>
      {running.map((item) => (
        <SourceChart key={item.source} source={item.source} {...props} />
      ))}
    </>
  );
}
