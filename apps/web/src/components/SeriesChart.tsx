import { useMemo } from 'react';
import type uPlot from 'uplot';
import { useUplot } from './use-uplot';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** One value per x, in order. */
  readonly values: readonly number[];
}

interface Props {
  readonly title: string;
  /** Epoch milliseconds, ascending. */
  readonly times: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly height?: number;
  readonly yLabel?: string;
}

/** Several counts over the same seconds (e.g. failures by cause), one line each; the caption sums them. */
export function SeriesChart({ title, times, series, height = 180, yLabel = 'per second' }: Props) {
  const shape = `${series.map((s) => `${s.label}:${s.color}`).join('|')}-${height}`;
  const data = useMemo(
    () => [times.map((t) => t / 1000), ...series.map((s) => [...s.values])] as uPlot.AlignedData,
    [times, series],
  );
  const containerRef = useUplot({
    shape,
    height,
    series: series.map((s) => ({ label: s.label, stroke: s.color, width: 2 })),
    yLabel,
    isLegendShown: true,
    data,
  });

  const totals = series.map((s) => `${s.label} ${s.values.reduce((sum, value) => sum + value, 0)}`);
  return (
    <figure className="chart">
      <figcaption className="sr-only">
        {title}: {totals.join(', ')}
      </figcaption>
      <div ref={containerRef} className="chart-canvas" aria-hidden="true" />
    </figure>
  );
}
