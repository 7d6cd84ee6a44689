import type { RatePoint } from '@iamroll/contracts';
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { useUplot } from './use-uplot';

export interface RateChartProps {
  readonly points: readonly RatePoint[];
  /** Drawn as a red dashed line: what RDS admits. */
  readonly budgetPerSecond?: number | undefined;
  /** Share of the budget: an amber dashed line. */
  readonly warningThreshold?: number | undefined;
  readonly height?: number;
  readonly title: string;
  /** Show the busiest second of each step besides the average. */
  readonly isShowingPeak?: boolean;
  readonly seriesLabel?: string;
}

/** Columnar data for uPlot: seconds on x, then rate, peak, budget and warning. */
export function toColumns(
  points: readonly RatePoint[],
  budgetPerSecond: number | undefined,
  warningThreshold: number | undefined,
): number[][] {
  const xs = points.map((point) => point.t / 1000);
  const columns = [xs, points.map((point) => point.rate), points.map((point) => point.peak)];
  if (budgetPerSecond !== undefined) {
    columns.push(xs.map(() => budgetPerSecond));
    if (warningThreshold !== undefined) columns.push(xs.map(() => budgetPerSecond * warningThreshold));
  }
  return columns;
}

export function RateChart({
  points,
  budgetPerSecond,
  warningThreshold,
  height = 220,
  title,
  isShowingPeak = true,
  seriesLabel = 'logins/s',
}: RateChartProps) {
  const shape = `${budgetPerSecond !== undefined}-${warningThreshold !== undefined}-${isShowingPeak}-${height}`;
  const series: uPlot.Series[] = [
    { label: seriesLabel, stroke: '#1d4ed8', fill: 'rgba(29, 78, 216, 0.12)', width: 2 },
    { label: 'peak second', stroke: '#7c3aed', width: 1, show: isShowingPeak },
  ];
  if (budgetPerSecond !== undefined) {
    series.push({ label: 'budget', stroke: '#b91c1c', width: 2, dash: [8, 4], points: { show: false } });
    if (warningThreshold !== undefined)
      series.push({ label: 'warning', stroke: '#b45309', width: 1.5, dash: [4, 4], points: { show: false } });
  }
  const data = useMemo(
    () => toColumns(points, budgetPerSecond, warningThreshold) as uPlot.AlignedData,
    [points, budgetPerSecond, warningThreshold],
  );
  const containerRef = useUplot({ shape, height, series, yLabel: 'per second', isLegendShown: height >= 200, data });

  const latest = points.at(-1);
  return (
    <figure className="chart">
      <figcaption className="sr-only">
        {title}
        {latest ? `: latest ${latest.rate.toFixed(1)} per second` : ': no data yet'}
        {budgetPerSecond !== undefined ? `, budget ${budgetPerSecond} per second` : ''}
      </figcaption>
      <div ref={containerRef} className="chart-canvas" aria-hidden="true" />
    </figure>
  );
}
