import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const shape = `${series.map((s) => `${s.label}:${s.color}`).join('|')}-${height}`;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const plot = new uPlot(
      {
        width: Math.max(200, container.clientWidth),
        height,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2 }))],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [{}, { label: yLabel, size: 60 }],
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false } },
      },
      [[], ...series.map(() => [])],
      container,
    );
    plotRef.current = plot;
    const observer =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver(() => plot.setSize({ width: Math.max(200, container.clientWidth), height }));
    observer?.observe(container);
    return () => {
      observer?.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
    // Rebuilt only when the set of series changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  useEffect(() => {
    const data = [times.map((t) => t / 1000), ...series.map((s) => [...s.values])];
    plotRef.current?.setData(data as uPlot.AlignedData);
  }, [times, series, shape]);

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
