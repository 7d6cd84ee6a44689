import { useQuery } from '@tanstack/react-query';
import { Empty, QueryView, RoleButton } from '../../../components/states';
import { formatTime } from '../../../lib/format';
import { Link, navigate } from '../../../lib/router';
import { useCan } from '../../auth/hooks/use-session';
import { rolloutsQuery } from '../api/rollouts-queries';
import { formatPhase } from './RolloutPreviewView';
import { RolloutStatusBadge } from './RolloutStatusBadge';

export function RolloutsPage() {
  const query = useQuery(rolloutsQuery());
  const canOperate = useCan('operator');
  return (
    <>
      <header className="page-header">
        <div className="section-head">
          <h1>Rollouts</h1>
          <RoleButton
            isAllowed={canOperate}
            neededRole="operator"
            className="primary"
            onClick={() => navigate('/rollouts/new')}
          >
            New rollout
          </RoleButton>
        </div>
        <p className="muted">
          Staged moves from passwords to IAM: read-only connections first, canary then waves, each paced under the
          database&apos;s IAM login budget.
        </p>
      </header>
      <QueryView
        query={query}
        loadingLabel="Loading rollouts…"
        isEmpty={(data) => data.items.length === 0}
        empty={
          <Empty>No rollout yet. An operator starts one with “New rollout” (the preview shows the waves first).</Empty>
        }
      >
        {(data) => (
          <div className="table-scroll">
            <table className="data-table">
              <caption className="sr-only">Rollouts, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Rollout</th>
                  <th scope="col">Status</th>
                  <th scope="col">Phase</th>
                  <th scope="col">Message</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((rollout) => (
                  <tr key={rollout.id} data-testid="rollout-row">
                    <td>
                      <Link to={`/rollouts/${rollout.id}`} className="mono">
                        {rollout.id.slice(0, 8)}
                      </Link>
                      <div className="small muted">{rollout.reason}</div>
                    </td>
                    <td>
                      <RolloutStatusBadge status={rollout.status} />
                    </td>
                    <td>{formatPhase(rollout.phase)}</td>
                    <td>{rollout.message}</td>
                    <td>
                      {formatTime(rollout.createdAt)}
                      <div className="small muted">by {rollout.createdBy}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </>
  );
}
