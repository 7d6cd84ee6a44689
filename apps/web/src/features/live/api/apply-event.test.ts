import type { AlarmView, DatabaseList } from '@iamroll/contracts';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { unresolvedAlarmsQuery } from '../../alarms/api/alarms-queries';
import { databaseKeys } from '../../databases/api/databases-queries';
import { applyServerEvent } from './apply-event';

const fresh = () => new QueryClient({ defaultOptions: { queries: { retry: false } } });

describe('applyServerEvent', () => {
  it('patches each database rate from rates.tick', () => {
    const queryClient = fresh();
    queryClient.setQueryData<DatabaseList>(databaseKeys.list(), {
      total: 1,
      items: [
        {
          id: 'd1',
          ratePerSecond: 1,
          peakPerSecond: 5,
          budgetPerSecond: 200,
          utilisation: 0.005,
        } as DatabaseList['items'][number],
      ],
    });
    applyServerEvent(queryClient, 'rates.tick', {
      t: 1,
      databases: [{ id: 'd1', ratePerSecond: 100, budgetPerSecond: 200 }],
    });
    expect(queryClient.getQueryData<DatabaseList>(databaseKeys.list())?.items[0]).toMatchObject({
      ratePerSecond: 100,
      utilisation: 0.5,
      peakPerSecond: 100,
    });
  });

  it('puts an opened alarm in the unresolved list at once and drops it when resolved', () => {
    const queryClient = fresh();
    const key = unresolvedAlarmsQuery().queryKey;
    queryClient.setQueryData(key, []);
    const alarm = { id: 'a1', state: 'open', openedAt: '2026-01-01T00:00:00Z' } as AlarmView;
    applyServerEvent(queryClient, 'alarm.opened', alarm);
    expect(queryClient.getQueryData(key)).toEqual([alarm]);
    applyServerEvent(queryClient, 'alarm.resolved', { ...alarm, state: 'resolved' });
    expect(queryClient.getQueryData(key)).toEqual([]);
  });
});
