import type { RolloutStatus } from '@iamroll/contracts';

const LEVEL: Readonly<Record<RolloutStatus, string>> = {
  pending: 'badge-info',
  running: 'badge-info',
  paused: 'badge-warning',
  completed: 'badge-ok',
  aborted: 'badge-critical',
  rolling_back: 'badge-warning',
  rolled_back: 'badge-ok',
};

export function RolloutStatusBadge({ status }: { status: RolloutStatus }) {
  return (
    <span className={`badge ${LEVEL[status]}`} data-testid="rollout-status">
      {status}
    </span>
  );
}
