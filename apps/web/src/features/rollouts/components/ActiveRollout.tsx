import { useQuery } from '@tanstack/react-query';
import { Empty, ErrorState, Loading } from '../../../components/states';
import { Link } from '../../../lib/router';
import { isActiveRollout, rolloutsQuery } from '../api/rollouts-queries';
import { formatPhase } from './RolloutPreviewView';
import { RolloutStatusBadge } from './RolloutStatusBadge';

/** The fleet overview's box: the rollout in progress (the newest active one), with a link. */
export function ActiveRollout() {
  const query = useQuery(rolloutsQuery());
  if (query.isPending) return <Loading label="Loading rollouts…" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const active = query.data.items.filter(isActiveRollout);
  if (active.length === 0) {
    return (
      <Empty>
        No rollout in progress. <Link to="/rollouts">See the rollouts</Link> or start a new one.
      </Empty>
    );
  }
  return (
    <ul className="active-rollouts">
      {active.map((rollout) => (
        <li key={rollout.id} className="card" data-testid="active-rollout">
          <Link to={`/rollouts/${rollout.id}`}>
            Rollout <span className="mono">{rollout.id.slice(0, 8)}</span>
          </Link>{' '}
          <RolloutStatusBadge status={rollout.status} /> {formatPhase(rollout.phase)}
          <p className="small">{rollout.message}</p>
        </li>
      ))}
    </ul>
  );
}
