import type { RolloutControl } from '@iamroll/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { controlRollout, rolloutKeys } from '../api/rollouts-queries';

export function useRolloutControl(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ control, reason }: { control: RolloutControl; reason: string }) =>
      controlRollout(id, control, reason),
    onSuccess: (rollout) => queryClient.setQueryData(rolloutKeys.detail(id), rollout),
    onSettled: () => queryClient.invalidateQueries({ queryKey: rolloutKeys.all }),
  });
}
