import type { NodeList, NodeView } from '@iamroll/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { filtersFromSearch } from '../api/node-filters';
import { useNodeRows } from './use-node-rows';

const TOTAL = 1_200; // three pages of 500

function fakeApi() {
  const nodeUrls: string[] = [];
  vi.stubGlobal('fetch', (url: string) => {
    const parsed = new URL(url, 'http://x');
    if (parsed.pathname === '/api/v1/alarms') return Promise.resolve(Response.json({ items: [], total: 0 }));
    nodeUrls.push(url);
    const offset = Number(parsed.searchParams.get('offset'));
    const limit = Number(parsed.searchParams.get('limit'));
    const items = Array.from({ length: Math.max(0, Math.min(limit, TOTAL - offset)) }, (_, index) => {
      const n = offset + index;
      return {
        id: `n${n}`,
        hostname: `kong-${n}`,
        rwAuthMode: n % 3 === 0 ? 'iam' : 'password',
        roAuthMode: null,
      } as NodeView;
    });
    const body: NodeList = { items, total: TOTAL };
    return Promise.resolve(Response.json(body));
  });
  return nodeUrls;
}

function wrapper({ children }: { children: ReactNode }) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchInterval: false } } });
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

describe('useNodeRows', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('fetches only the pages in view, with the API doing filter and sort', async () => {
    const urls = fakeApi();
    const filters = filtersFromSearch(new URLSearchParams('stage=password&sort=lastSeenAt&order=desc'));
    const { result } = renderHook(() => useNodeRows(filters, { start: 0, end: 40 }), { wrapper });
    await waitFor(() => expect(result.current.rowAt(0)?.hostname).toBe('kong-0'));
    expect(result.current.rowCount).toBe(TOTAL);
    expect(result.current.rowAt(700)).toBeUndefined(); // page 1 not in view, not fetched
    expect(new Set(urls)).toEqual(
      new Set(['/api/v1/nodes?sort=lastSeenAt&order=desc&stage=password&limit=500&offset=0']),
    );
  });

  it('sends auth-mode and alarm filters to the API and still fetches only the pages in view', async () => {
    const urls = fakeApi();
    const filters = filtersFromSearch(new URLSearchParams('rw=iam&ro=none&alarm=yes'));
    const { result } = renderHook(() => useNodeRows(filters, { start: 0, end: 40 }), { wrapper });
    await waitFor(() => expect(result.current.isPending).toBe(false));
    expect(result.current.rowCount).toBe(TOTAL);
    expect(new Set(urls)).toEqual(
      new Set([
        '/api/v1/nodes?sort=hostname&order=asc&rwAuthMode=iam&roAuthMode=none&hasAlarm=true&limit=500&offset=0',
      ]),
    );
  });
});
