import type { SandboxIamUser } from '@iamroll/contracts';
import { RoleButton } from '../../../components/states';
import { useCan } from '../../auth/hooks/use-session';
import { setRdsIam } from '../api/sandbox-queries';
import { useSandboxMutation } from '../hooks/use-sandbox-mutation';

/**
 * "Lose rds_iam": the grant RDS needs before a user may log in with an IAM token. Without it a
 * node switching to IAM fails its check and reverts; a node already on IAM counts failures.
 */
export function IamUserCard({ iamUser }: { iamUser: SandboxIamUser }) {
  const canAct = useCan('operator');
  const mutation = useSandboxMutation((hasRdsIam: boolean) => setRdsIam(iamUser.user, hasRdsIam));
  return (
    <article className="card" data-testid="sandbox-iam-user" aria-labelledby={`iam-user-${iamUser.user}`}>
      <header className="card-header">
        <h3 id={`iam-user-${iamUser.user}`}>
          <code>{iamUser.user}</code>{' '}
          {iamUser.hasRdsIam ? (
            <span className="badge badge-ok">granted rds_iam</span>
          ) : (
            <span className="badge badge-critical">rds_iam revoked</span>
          )}
        </h3>
      </header>
      <p className="muted small">
        The IAM database user of {iamUser.nodeCount} sandbox {iamUser.nodeCount === 1 ? 'node' : 'nodes'}, on both
        simulated instances (they share one PostgreSQL).{' '}
        {iamUser.hasRdsIam
          ? 'Revoke rds_iam to see what a missing grant does: its IAM logins fail, a node switching to IAM reverts and the rollout marks it failed.'
          : 'Its IAM logins fail now (PAM authentication failed), as on RDS. Grant it back to recover; the sandbox also grants it at its next start.'}
      </p>
      <RoleButton
        isAllowed={canAct}
        neededRole="operator"
        className={iamUser.hasRdsIam ? 'danger' : undefined}
        disabled={mutation.isPending}
        onClick={() => mutation.mutate(!iamUser.hasRdsIam)}
      >
        {iamUser.hasRdsIam ? `Revoke rds_iam from ${iamUser.user}` : `Grant rds_iam to ${iamUser.user}`}
      </RoleButton>
      {mutation.isError && (
        <p className="error-text" role="alert">
          {mutation.error.message}
        </p>
      )}
    </article>
  );
}
