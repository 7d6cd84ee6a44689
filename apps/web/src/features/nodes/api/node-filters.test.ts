import type { NodeView } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { pagesForWindow } from '../hooks/use-node-rows';
import {
  filtersFromSearch,
  filtersToSearch,
  hasClientFilter,
  matchesClientFilter,
  nodeHealth,
  serverFilter,
} from './node-filters';
import { nodeKeys } from './nodes-queries';

const node = (patch: Partial<NodeView>): NodeView =>
  ({
    id: 'n1',
    rwAuthMode: 'password',
    roAuthMode: null,
    isStale: false,
    status: 'ok',
    transition: 'idle',
    ...patch,
  }) as NodeView;

describe('node filters', () => {
  it('round-trip through the URL, ignoring unknown values', () => {
    const filters = filtersFromSearch(
      new URLSearchParams('q=kong&stage=ro_iam&role=bogus&rw=iam&sort=lastSeenAt&order=desc'),
    );
    expect(filters).toMatchObject({
      q: 'kong',
      stage: 'ro_iam',
      role: '',
      rwAuthMode: 'iam',
      sort: 'lastSeenAt',
      order: 'desc',
    });
    expect(filtersToSearch(filters)).toEqual({
      q: 'kong',
      databaseId: undefined,
      role: undefined,
      stage: 'ro_iam',
      status: undefined,
      rw: 'iam',
      ro: undefined,
      alarm: undefined,
      sort: 'lastSeenAt',
      order: 'desc',
    });
  });

  it('send what the API filters by to the API, the rest stays in the browser', () => {
    const filters = filtersFromSearch(new URLSearchParams('q=%20kong%20&status=stale&ro=none'));
    expect(serverFilter(filters)).toEqual({ sort: 'hostname', order: 'asc', q: 'kong', status: 'stale' });
    expect(hasClientFilter(filters)).toBe(true);
    expect(hasClientFilter(filtersFromSearch(new URLSearchParams('stage=rw_iam')))).toBe(false);
  });

  it('match auth modes and alarms in the browser', () => {
    const alarmed = new Set(['n2']);
    const base = filtersFromSearch(new URLSearchParams());
    expect(matchesClientFilter(node({}), { ...base, roAuthMode: 'none' }, alarmed)).toBe(true);
    expect(matchesClientFilter(node({ roAuthMode: 'iam' }), { ...base, roAuthMode: 'none' }, alarmed)).toBe(false);
    expect(matchesClientFilter(node({ rwAuthMode: 'iam' }), { ...base, rwAuthMode: 'iam' }, alarmed)).toBe(true);
    expect(matchesClientFilter(node({ id: 'n2' }), { ...base, alarm: 'yes' }, alarmed)).toBe(true);
    expect(matchesClientFilter(node({ id: 'n1' }), { ...base, alarm: 'yes' }, alarmed)).toBe(false);
  });

  it('name the most urgent state of a row', () => {
    expect(nodeHealth(node({ isStale: true, status: 'error' }), true)).toBe('stale');
    expect(nodeHealth(node({ transition: 'failed' }), false)).toBe('error');
    expect(nodeHealth(node({}), true)).toBe('alarm');
    expect(nodeHealth(node({ status: null }), false)).toBe('new');
  });
});

describe('node pages and keys', () => {
  it('fetch the pages that cover the window, and always the first', () => {
    expect(pagesForWindow({ start: 0, end: 40 }, 20)).toEqual([0]);
    expect(pagesForWindow({ start: 480, end: 530 }, 20)).toEqual([0, 1]);
    expect(pagesForWindow({ start: 9_980, end: 10_000 }, 20)).toEqual([0, 19]);
  });

  it('nest so that invalidating all nodes reaches every page and detail', () => {
    const page = nodeKeys.page({ sort: 'hostname' }, 3);
    expect(page.slice(0, nodeKeys.lists().length)).toEqual(nodeKeys.lists());
    expect(nodeKeys.detail('x').slice(0, 1)).toEqual(nodeKeys.all);
  });
});
