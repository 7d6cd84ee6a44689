import type { SandboxBreakBody, SandboxView } from '@iamroll/contracts';
import { queryOptions } from '@tanstack/react-query';
import { api, ApiError } from '../../../lib/api-client';

export const sandboxKeys = { all: ['sandbox'] as const };

/** The sandbox, or null when the controller is not one (production has no /api/v1/sandbox). */
export const sandboxQuery = () =>
  queryOptions({
    queryKey: sandboxKeys.all,
    queryFn: async ({ signal }): Promise<SandboxView | null> => {
      try {
        return await api.get<SandboxView>('/api/v1/sandbox', undefined, signal);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'not_found') return null;
        throw error;
      }
    },
    retry: false,
    staleTime: 2_000,
    refetchInterval: (query) => (query.state.data ? 2_000 : false),
  });

export function setThrottleBudget(identifier: string, perSecond: number): Promise<SandboxView> {
  return api.post<SandboxView>(`/api/v1/sandbox/instances/${encodeURIComponent(identifier)}/throttle-budget`, {
    throttleBudgetPerSecond: perSecond,
  });
}

export function breakNode(name: string, fault: SandboxBreakBody): Promise<SandboxView> {
  return api.post<SandboxView>(`/api/v1/sandbox/nodes/${encodeURIComponent(name)}/break`, fault);
}

export function repairNode(name: string): Promise<SandboxView> {
  return api.post<SandboxView>(`/api/v1/sandbox/nodes/${encodeURIComponent(name)}/repair`, {});
}

export function addNodes(count: number): Promise<SandboxView> {
  return api.post<SandboxView>('/api/v1/sandbox/nodes', { count });
}

/** false: revoke rds_iam from the IAM database user (its IAM logins fail); true: grant it back. */
export function setRdsIam(user: string, hasRdsIam: boolean): Promise<SandboxView> {
  return api.post<SandboxView>(`/api/v1/sandbox/iam-users/${encodeURIComponent(user)}/rds-iam`, { hasRdsIam });
}
