import type { AlarmList, AlarmView, AlarmsQuery } from '@iamroll/contracts';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export type AlarmStateFilter = NonNullable<AlarmsQuery['state']>;

export const alarmKeys = {
  all: ['alarms'] as const,
  lists: () => [...alarmKeys.all, 'list'] as const,
  list: (state: AlarmStateFilter, offset = 0) => [...alarmKeys.lists(), { state, offset }] as const,
};

export const ALARMS_PAGE_SIZE = 100;

export const alarmsQuery = (state: AlarmStateFilter, offset = 0) =>
  queryOptions({
    queryKey: alarmKeys.list(state, offset),
    queryFn: ({ signal }) => api.get<AlarmList>('/api/v1/alarms', { state, limit: ALARMS_PAGE_SIZE, offset }, signal),
    refetchInterval: 30_000,
  });

/** Unresolved alarms (open or acknowledged): what the overview and the nodes table mark. */
export const unresolvedAlarmsQuery = () =>
  queryOptions({
    queryKey: [...alarmKeys.lists(), 'unresolved'] as const,
    queryFn: async ({ signal }) => {
      const [open, acknowledged] = await Promise.all([
        api.get<AlarmList>('/api/v1/alarms', { state: 'open', limit: 500 }, signal),
        api.get<AlarmList>('/api/v1/alarms', { state: 'acknowledged', limit: 500 }, signal),
      ]);
      return [...open.items, ...acknowledged.items].sort((a, b) => b.openedAt.localeCompare(a.openedAt));
    },
    refetchInterval: 30_000,
  });

export function acknowledgeAlarm(id: string, reason?: string): Promise<AlarmView> {
  return api.post<AlarmView>(`/api/v1/alarms/${encodeURIComponent(id)}/acknowledge`, reason ? { reason } : {});
}

/** Merges an alarm from an SSE event into the unresolved list: shown at once, before any refetch. */
export function mergeUnresolved(list: readonly AlarmView[] | undefined, alarm: AlarmView): AlarmView[] | undefined {
  if (!list) return list;
  const others = list.filter((item) => item.id !== alarm.id);
  if (alarm.state === 'resolved') return others;
  return [alarm, ...others].sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}
