import type { DecommissionNodeBody, NodeDetail, NodeList, NodePlan, NodesQuery } from '@iamroll/contracts';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** The API's page limit: the table fetches 500-row pages as they scroll into view. */
export const NODES_PAGE_SIZE = 500;

/** What the API filters and sorts by itself (everything in NodesQuery but paging). */
export type NodesServerFilter = Omit<NodesQuery, 'limit' | 'offset'>;

export const nodeKeys = {
  all: ['nodes'] as const,
  lists: () => [...nodeKeys.all, 'list'] as const,
  list: (filter: NodesServerFilter) => [...nodeKeys.lists(), filter] as const,
  page: (filter: NodesServerFilter, pageIndex: number) => [...nodeKeys.list(filter), 'page', pageIndex] as const,
  details: () => [...nodeKeys.all, 'detail'] as const,
  detail: (id: string) => [...nodeKeys.details(), id] as const,
  plan: (id: string, stage: NodePlan['to'] | undefined) => [...nodeKeys.detail(id), 'plan', stage ?? 'next'] as const,
};

export const nodesPageQuery = (filter: NodesServerFilter, pageIndex: number) =>
  queryOptions({
    queryKey: nodeKeys.page(filter, pageIndex),
    queryFn: ({ signal }) =>
      api.get<NodeList>(
        '/api/v1/nodes',
        { ...filter, limit: NODES_PAGE_SIZE, offset: pageIndex * NODES_PAGE_SIZE },
        signal,
      ),
    // Heartbeats raise no event (2,000 a second would drown the stream): visible pages poll.
    refetchInterval: 5_000,
    staleTime: 2_000,
  });

export const nodeQuery = (id: string) =>
  queryOptions({
    queryKey: nodeKeys.detail(id),
    queryFn: ({ signal }) => api.get<NodeDetail>(`/api/v1/nodes/${encodeURIComponent(id)}`, undefined, signal),
    refetchInterval: 2_000,
  });

/** The edit of the node's next stage (or `stage`): it changes with the node's reported settings, so it follows them. */
export const nodePlanQuery = (id: string, stage: NodePlan['to'] | undefined, configHash: string | null) =>
  queryOptions({
    queryKey: [...nodeKeys.plan(id, stage), configHash] as const,
    queryFn: ({ signal }) =>
      api.get<NodePlan>(`/api/v1/nodes/${encodeURIComponent(id)}/plan`, stage ? { stage } : undefined, signal),
    staleTime: 30_000,
  });

export function decommissionNode(id: string, body: DecommissionNodeBody): Promise<unknown> {
  return api.delete(`/api/v1/nodes/${encodeURIComponent(id)}`, body);
}
