import { useEffect, useRef, useState, type ReactNode, type UIEvent } from 'react';

// Windowing for long lists: only the rows in view (plus `overscan`) are in the
// DOM, inside a spacer as tall as every row together. Rows have one fixed
// height, which keeps the arithmetic exact and scrolling free of layout work.

export interface RowWindow {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** The rows to render for a scroll position. Pure, so tests need no DOM. */
export function windowFor(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rowCount: number,
  overscan: number,
): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(viewportHeight / rowHeight) + 1;
  return { start: Math.max(0, first - overscan), end: Math.min(rowCount, first + visible + overscan) };
}

export interface VirtualRowsProps {
  readonly rowCount: number;
  readonly rowHeight: number;
  readonly renderRow: (index: number) => ReactNode;
  readonly onWindowChange?: (window: RowWindow) => void;
  readonly overscan?: number;
  readonly className?: string;
  /** Height used before the element is measured (and in tests). */
  readonly initialHeight?: number;
  readonly label?: string;
}

export function VirtualRows({
  rowCount,
  rowHeight,
  renderRow,
  onWindowChange,
  overscan = 8,
  className,
  initialHeight = 600,
  label,
}: VirtualRowsProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(initialHeight);

  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight || initialHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, [initialHeight]);

  const window = windowFor(scrollTop, height, rowHeight, rowCount, overscan);
  const { start, end } = window;
  useEffect(() => onWindowChange?.({ start, end }), [start, end, onWindowChange]);

  const rows: ReactNode[] = [];
  for (let index = start; index < end; index++) rows.push(renderRow(index));
  return (
    <div
      ref={ref}
      className={className}
      role="rowgroup"
      aria-label={label}
      onScroll={(event: UIEvent<HTMLDivElement>) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <div style={{ height: rowCount * rowHeight, position: 'relative' }}>
        <div style={{ transform: `translateY(${start * rowHeight}px)` }}>{rows}</div>
      </div>
    </div>
  );
}
