import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, setCsrfToken, toSearch } from './api-client';

function respond(status: number, body: unknown) {
  return vi.fn(() => Promise.resolve(new Response(body === undefined ? '' : JSON.stringify(body), { status })));
}

describe('api client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(null);
  });

  it('maps the API error shape to ApiError with code, message and fields', async () => {
    vi.stubGlobal(
      'fetch',
      respond(400, {
        error: {
          code: 'validation',
          message: 'The request is invalid.',
          fields: [{ path: 'body.x', message: 'is required' }],
        },
      }),
    );
    const error = await api.post('/api/v1/users', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'validation', status: 400, fields: [{ path: 'body.x' }] });
  });

  it('turns a network failure into `unavailable` and a bare 401 into `unauthenticated`', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(api.get('/api/v1/nodes')).rejects.toMatchObject({ code: 'unavailable', status: 0 });
    vi.stubGlobal('fetch', respond(401, undefined));
    await expect(api.get('/api/v1/nodes')).rejects.toMatchObject({ code: 'unauthenticated', isUnauthenticated: true });
  });

  it('sends the CSRF token on writes only', async () => {
    const fetch = respond(200, { ok: true });
    vi.stubGlobal('fetch', fetch);
    setCsrfToken('csrf-1');
    await api.get('/api/v1/nodes', { limit: 5, q: undefined });
    await api.post('/api/v1/alarms/1/acknowledge', {});
    const [getUrl, getInit] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    const [, postInit] = fetch.mock.calls[1] as unknown as [string, RequestInit];
    expect(getUrl).toBe('/api/v1/nodes?limit=5');
    expect((getInit.headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
    expect((postInit.headers as Record<string, string>)['x-csrf-token']).toBe('csrf-1');
    expect(postInit.credentials).toBe('same-origin');
  });

  it('leaves empty values out of the query string', () => {
    expect(toSearch({ a: 1, b: '', c: undefined, d: null, e: false })).toBe('?a=1&e=false');
    expect(toSearch({})).toBe('');
  });
});
