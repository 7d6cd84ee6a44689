import { useMutation, useQueryClient } from '@tanstack/react-query';
import { acknowledgeAlarm, alarmKeys, mergeUnresolved, unresolvedAlarmsQuery } from '../api/alarms-queries';

export function useAcknowledgeAlarm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason?: string }) => acknowledgeAlarm(id, reason),
    onSuccess: (alarm) => {
      queryClient.setQueryData(unresolvedAlarmsQuery().queryKey, (list) => mergeUnresolved(list, alarm));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: alarmKeys.all }),
  });
}
