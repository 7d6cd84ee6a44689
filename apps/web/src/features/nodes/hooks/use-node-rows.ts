import type { NodeView } from '@iamroll/contracts';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { RowWindow } from '../../../components/VirtualRows';
import { unresolvedAlarmsQuery } from '../../alarms/api/alarms-queries';
import { alarmedNodeIds, serverFilter, type NodeFilters } from '../api/node-filters';
import { NODES_PAGE_SIZE, nodesPageQuery } from '../api/nodes-queries';

export interface NodeRows {
  /** How many rows the table has; undefined entries are pages still loading. */
  readonly rowCount: number;
  readonly rowAt: (index: number) => NodeView | undefined;
  readonly total: number;
  readonly alarmed: ReadonlySet<string>;
  readonly isPending: boolean;
  readonly error: Error | null;
  readonly isFetching: boolean;
  readonly refetch: () => void;
}

/** Page indexes that cover the window (the first one always: it carries `total`). */
export function pagesForWindow(window: RowWindow, pageCount: number): number[] {
  const first = Math.floor(window.start / NODES_PAGE_SIZE);
  const last = Math.floor(Math.max(window.start, window.end - 1) / NODES_PAGE_SIZE);
  const pages = new Set<number>([0]);
  for (let page = first; page <= last && page < pageCount; page++) pages.add(page);
  return [...pages].sort((a, b) => a - b);
}

/**
 * The nodes table's rows, fetched in 500-row pages as they scroll into view, with every
 * filter and the sort done by the API. The unresolved alarms only mark rows.
 */
export function useNodeRows(filters: NodeFilters, window: RowWindow): NodeRows {
  const server = useMemo(() => serverFilter(filters), [filters]);
  const alarms = useQuery(unresolvedAlarmsQuery());
  const alarmed = useMemo(() => alarmedNodeIds(alarms.data), [alarms.data]);
  const first = useQuery(nodesPageQuery(server, 0));
  const total = first.data?.total ?? 0;
  const wanted = pagesForWindow(window, Math.ceil(total / NODES_PAGE_SIZE));
  const pages = useQueries({ queries: wanted.map((index) => nodesPageQuery(server, index)) });
  const error = first.error ?? pages.find((page) => page.error)?.error ?? null;
  const isFetching = first.isFetching || pages.some((page) => page.isFetching);

  const byPage = new Map<number, NodeView[]>();
  wanted.forEach((pageIndex, position) => {
    const items = pages[position]?.data?.items;
    if (items) byPage.set(pageIndex, items);
  });
  return {
    rowCount: total,
    rowAt: (index) => byPage.get(Math.floor(index / NODES_PAGE_SIZE))?.[index % NODES_PAGE_SIZE],
    total,
    alarmed,
    isPending: first.isPending,
    error,
    isFetching,
    refetch: () => void first.refetch(),
  };
}
