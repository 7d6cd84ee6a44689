import type { AlarmView, DatabaseList, DatabaseView, RatesTickData } from '@iamroll/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { userKeys } from '../../admin/api/admin-queries';
import { alarmKeys, mergeUnresolved, unresolvedAlarmsQuery } from '../../alarms/api/alarms-queries';
import { auditKeys } from '../../audit/api/audit-queries';
import { databaseKeys } from '../../databases/api/databases-queries';
import { nodeKeys } from '../../nodes/api/nodes-queries';
import { rolloutKeys } from '../../rollouts/api/rollouts-queries';

/** Every event name the controller publishes today (apps/api: grep `publish(` / `notifyIn(`). */
export const EVENT_TYPES = [
  'rates.tick',
  'alarm.opened',
  'alarm.acknowledged',
  'alarm.resolved',
  'node.enrolled',
  'node.decommissioned',
  'database.created',
  'database.updated',
  'user.created',
  'user.updated',
  'rollout.created',
  'rollout.updated',
] as const;

function patchRate<T extends DatabaseView>(database: T, tick: RatesTickData['databases'][number]): T {
  return {
    ...database,
    ratePerSecond: tick.ratePerSecond,
    budgetPerSecond: tick.budgetPerSecond,
    utilisation: tick.ratePerSecond / tick.budgetPerSecond,
    peakPerSecond: Math.max(database.peakPerSecond, tick.ratePerSecond),
  };
}

/** One SSE event → cache patches (what can be known from the event) and invalidations (the rest). */
export function applyServerEvent(queryClient: QueryClient, type: string, data: unknown): void {
  switch (type) {
    case 'rates.tick': {
      const tick = data as RatesTickData;
      const byId = new Map(tick.databases.map((database) => [database.id, database]));
      queryClient.setQueryData<DatabaseList>(databaseKeys.list(), (list) =>
        list
          ? {
              ...list,
              items: list.items.map((database) => {
                const update = byId.get(database.id);
                return update ? patchRate(database, update) : database;
              }),
            }
          : list,
      );
      for (const update of tick.databases) {
        queryClient.setQueryData<DatabaseView>(databaseKeys.detail(update.id), (database) =>
          database ? patchRate(database, update) : database,
        );
      }
      return;
    }
    case 'alarm.opened':
    case 'alarm.acknowledged':
    case 'alarm.resolved': {
      const alarm = data as AlarmView;
      queryClient.setQueryData(unresolvedAlarmsQuery().queryKey, (list) => mergeUnresolved(list, alarm));
      void queryClient.invalidateQueries({ queryKey: alarmKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      return;
    }
    case 'node.enrolled':
    case 'node.decommissioned':
      void queryClient.invalidateQueries({ queryKey: nodeKeys.all });
      void queryClient.invalidateQueries({ queryKey: databaseKeys.all });
      return;
    case 'database.created':
    case 'database.updated':
      void queryClient.invalidateQueries({ queryKey: databaseKeys.all });
      return;
    case 'user.created':
    case 'user.updated':
      void queryClient.invalidateQueries({ queryKey: userKeys.all });
      return;
    case 'rollout.created':
    case 'rollout.updated':
      // The summary has no nodes: the detail and lists are refetched (nodes change with it).
      void queryClient.invalidateQueries({ queryKey: rolloutKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: rolloutKeys.details() });
      void queryClient.invalidateQueries({ queryKey: nodeKeys.all });
      return;
    default:
      return;
  }
}
