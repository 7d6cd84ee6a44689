import type { NodeView } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { pagesForWindow } from '../hooks/use-node-rows';
import { alarmedNodeIds, filtersFromSearch, filtersToSearch, nodeHealth, serverFilter } from './node-filters';
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

  it('send every filter to the API, auth modes and alarm included', () => {
    const filters = filtersFromSearch(new URLSearchParams('q=%20kong%20&status=stale&rw=iam&ro=none&alarm=no'));
    expect(serverFilter(filters)).toEqual({
      sort: 'hostname',
      order: 'asc',
      q: 'kong',
      status: 'stale',
      rwAuthMode: 'iam',
      roAuthMode: 'none',
      hasAlarm: false,
    });
    expect(serverFilter(filtersFromSearch(new URLSearchParams('alarm=yes')))).toMatchObject({ hasAlarm: true });
    expect(serverFilter(filtersFromSearch(new URLSearchParams('ro=iam&alarm=bogus')))).toEqual({
      sort: 'hostname',
      order: 'asc',
      roAuthMode: 'iam',
    });
  });

  it('mark the nodes an unresolved alarm is about', () => {
    const alarms = [
      { subjectType: 'node', subjectId: 'n2' },
      { subjectType: 'database', subjectId: 'n3' },
    ] as unknown as Parameters<typeof alarmedNodeIds>[0];
    expect([...alarmedNodeIds(alarms)]).toEqual(['n2']);
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
