import type { NodePreflightView, PreflightOverrideBody, PreflightStage, RunPreflightBody } from '@iamroll/contracts';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { nodeKeys } from './nodes-queries';

export const preflightKeys = {
  detail: (nodeId: string) => [...nodeKeys.detail(nodeId), 'preflight'] as const,
};

export const nodePreflightQuery = (nodeId: string) =>
  queryOptions({
    queryKey: preflightKeys.detail(nodeId),
    queryFn: ({ signal }) =>
      api.get<NodePreflightView>(`/api/v1/nodes/${encodeURIComponent(nodeId)}/preflight`, undefined, signal),
    // A run asked for is answered within a heartbeat or two: poll faster while one is pending.
    refetchInterval: (query) => (query.state.data?.pending ? 2_000 : 15_000),
  });

const path = (nodeId: string) => `/api/v1/nodes/${encodeURIComponent(nodeId)}/preflight`;

export function runPreflight(nodeId: string, stages?: PreflightStage[]): Promise<NodePreflightView> {
  const body: RunPreflightBody = stages ? { stages } : {};
  return api.post<NodePreflightView>(path(nodeId), body);
}

export function overridePreflight(nodeId: string, body: PreflightOverrideBody): Promise<NodePreflightView> {
  return api.post<NodePreflightView>(`${path(nodeId)}/override`, body);
}

export function clearPreflightOverride(nodeId: string, body: PreflightOverrideBody): Promise<NodePreflightView> {
  return api.delete<NodePreflightView>(`${path(nodeId)}/override`, body);
}
