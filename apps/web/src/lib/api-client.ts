import type { ErrorBody, ErrorCode, FieldError } from '@iamroll/contracts';

/** The API's JSON error (`{ error: { code, message, fields } }`), or a network failure as `unavailable`. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly fields: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isUnauthenticated(): boolean {
    return this.code === 'unauthenticated';
  }
}

/** The header name is fixed by the API (contracts' CSRF_HEADER); repeated here so no TypeBox code is bundled. */
const CSRF_HEADER = 'x-csrf-token';
let csrfToken: string | null = null;

/** Set from /auth/me and /auth/login: cookie-authenticated writes must echo it. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Query = Readonly<Record<string, string | number | boolean | undefined | null>>;

export function toSearch(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly query?: Query;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** Same-origin JSON request with the session cookie; throws ApiError on anything but 2xx. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`${path}${toSearch(options.query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('unavailable', 'The controller cannot be reached. Is it running?', 0);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (response.ok) return parsed as T;
  if (isErrorBody(parsed)) {
    throw new ApiError(parsed.error.code, parsed.error.message, response.status, parsed.error.fields ?? []);
  }
  const code: ErrorCode =
    response.status === 401
      ? 'unauthenticated'
      : response.status === 403
        ? 'forbidden'
        : response.status === 404
          ? 'not_found'
          : response.status >= 502
            ? 'unavailable'
            : 'internal';
  throw new ApiError(code, `The controller answered ${response.status} ${response.statusText}.`, response.status);
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    apiRequest<T>(path, { query, ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body: unknown = {}) => apiRequest<T>(path, { method: 'POST', body }),
  patch: <T>(path: string, body: unknown) => apiRequest<T>(path, { method: 'PATCH', body }),
  delete: <T>(path: string, body: unknown = {}) => apiRequest<T>(path, { method: 'DELETE', body }),
};
