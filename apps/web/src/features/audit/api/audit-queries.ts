import type { AuditList, AuditQuery } from '@iamroll/contracts';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export type AuditFilter = Omit<AuditQuery, 'limit'>;
export const AUDIT_PAGE_SIZE = 100;

export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (filter: AuditFilter) => [...auditKeys.lists(), filter] as const,
};

export const auditQuery = (filter: AuditFilter) =>
  queryOptions({
    queryKey: auditKeys.list(filter),
    queryFn: ({ signal }) => api.get<AuditList>('/api/v1/audit', { ...filter, limit: AUDIT_PAGE_SIZE }, signal),
    placeholderData: (previous) => previous,
  });
