import type { SandboxView } from '@iamroll/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { sandboxKeys } from '../api/sandbox-queries';

/** A sandbox control: every one answers with the whole view, which replaces the cached one. */
export function useSandboxMutation<A>(run: (arg: A) => Promise<SandboxView>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (view) => queryClient.setQueryData(sandboxKeys.all, view),
  });
}
