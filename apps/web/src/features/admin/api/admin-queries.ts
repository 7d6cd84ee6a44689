import type {
  ApiTokenList,
  CreateApiTokenBody,
  CreateEnrollmentTokenBody,
  CreateUserBody,
  CreatedApiToken,
  CreatedEnrollmentToken,
  EnrollmentTokenList,
  UpdateUserBody,
  UserList,
  UserView,
} from '@iamroll/contracts';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

const PAGE = { limit: 500, offset: 0 };

export const userKeys = {
  all: ['users'] as const,
  lists: () => [...userKeys.all, 'list'] as const,
  list: () => [...userKeys.lists(), PAGE] as const,
};

export const apiTokenKeys = {
  all: ['api-tokens'] as const,
  lists: () => [...apiTokenKeys.all, 'list'] as const,
  list: () => [...apiTokenKeys.lists(), PAGE] as const,
};

export const enrollmentTokenKeys = {
  all: ['enrollment-tokens'] as const,
  lists: () => [...enrollmentTokenKeys.all, 'list'] as const,
  list: () => [...enrollmentTokenKeys.lists(), PAGE] as const,
};

export const usersQuery = () =>
  queryOptions({
    queryKey: userKeys.list(),
    queryFn: ({ signal }) => api.get<UserList>('/api/v1/users', PAGE, signal),
  });

export const apiTokensQuery = () =>
  queryOptions({
    queryKey: apiTokenKeys.list(),
    queryFn: ({ signal }) => api.get<ApiTokenList>('/api/v1/api-tokens', PAGE, signal),
  });

export const enrollmentTokensQuery = () =>
  queryOptions({
    queryKey: enrollmentTokenKeys.list(),
    queryFn: ({ signal }) => api.get<EnrollmentTokenList>('/api/v1/enrollment-tokens', PAGE, signal),
  });

export const createUser = (body: CreateUserBody) => api.post<UserView>('/api/v1/users', body);
export const updateUser = (id: string, body: UpdateUserBody) =>
  api.patch<UserView>(`/api/v1/users/${encodeURIComponent(id)}`, body);
export const createApiToken = (body: CreateApiTokenBody) => api.post<CreatedApiToken>('/api/v1/api-tokens', body);
export const revokeApiToken = (id: string) => api.post(`/api/v1/api-tokens/${encodeURIComponent(id)}/revoke`, {});
export const createEnrollmentToken = (body: CreateEnrollmentTokenBody) =>
  api.post<CreatedEnrollmentToken>('/api/v1/enrollment-tokens', body);
export const revokeEnrollmentToken = (id: string) =>
  api.post(`/api/v1/enrollment-tokens/${encodeURIComponent(id)}/revoke`, {});
