import { useEffect, useRef, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface UplotOptions {
  /** Changes only when the chart must be rebuilt (the set of series, the height); data does not. */
  readonly shape: string;
  readonly height: number;
  /** The y series (x is added): read when the chart is (re)built. */
  readonly series: readonly uPlot.Series[];
  readonly yLabel: string;
  readonly isLegendShown: boolean;
  /** Columnar: seconds on x, then one column per series. */
  readonly data: uPlot.AlignedData;
}

/**
 * One uPlot chart's lifecycle, for every chart of the dashboard: built into the returned
 * container when its shape changes, resized with it, fed new data without a rebuild, destroyed
 * on unmount. Counts start at 0 and leave a tenth of headroom.
 */
export function useUplot({
  shape,
  height,
  series,
  yLabel,
  isLegendShown,
  data,
}: UplotOptions): RefObject<HTMLDivElement | null> {
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const plot = new uPlot(
      {
        width: Math.max(200, container.clientWidth),
        height,
        series: [{}, ...series],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [{}, { label: yLabel, size: 60 }],
        legend: { show: isLegendShown, live: true },
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
    // Rebuilt only when the shape changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  useEffect(() => {
    plotRef.current?.setData(data);
  }, [data, shape]);

  return containerRef;
}
