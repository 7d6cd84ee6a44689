import type { LoginBody, LoginResponse, MeResponse, OkResponse } from '@iamroll/contracts';
import { queryOptions } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from '../../../lib/api-client';

export const authKeys = {
  all: ['auth'] as const,
  me: () => [...authKeys.all, 'me'] as const,
};

/** Who is signed in; null when nobody is (a 401 is an answer here, not an error). */
export async function fetchMe(): Promise<MeResponse | null> {
  try {
    const me = await api.get<MeResponse>('/api/v1/auth/me');
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.isUnauthenticated) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export const meQuery = () =>
  queryOptions({ queryKey: authKeys.me(), queryFn: fetchMe, staleTime: 60_000, retry: false });

export async function login(body: LoginBody): Promise<LoginResponse> {
  const me = await api.post<LoginResponse>('/api/v1/auth/login', body);
  setCsrfToken(me.csrfToken);
  return me;
}

export async function logout(): Promise<void> {
  await api.post<OkResponse>('/api/v1/auth/logout');
  setCsrfToken(null);
}
