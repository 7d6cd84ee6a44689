import type { DatabaseView } from '@iamroll/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CodeBlock } from '../../../components/CodeBlock';
import { RoleButton } from '../../../components/states';
import { formatTime } from '../../../lib/format';
import { useCan } from '../../auth/hooks/use-session';
import { checkDatabaseIam, databaseKeys } from '../api/databases-queries';

// The database's side of preflight (issue 12): what DescribeDBInstances says (IAM database
// authentication enabled, resource id, endpoint), and the ready rds-db:connect policy and SQL
// for the IAM users its nodes use. A database with IAM disabled blocks every rollout node on it.

const STATUS: Record<NonNullable<DatabaseView['iam']>['status'], { label: string; badge: string }> = {
  ok: { label: 'IAM authentication enabled', badge: 'ok' },
  iam_disabled: { label: 'IAM authentication disabled', badge: 'critical' },
  not_found: { label: 'instance not found', badge: 'critical' },
  error: { label: 'check failed', badge: 'warning' },
  unchecked: { label: 'not checked', badge: 'muted' },
};

export function DatabaseIamPanel({ database }: { database: DatabaseView }) {
  const canCheck = useCan('operator');
  const queryClient = useQueryClient();
  const check = useMutation({
    mutationFn: () => checkDatabaseIam(database.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.detail(database.id) }),
  });
  const iam = database.iam;
  return (
    <section className="card section" aria-labelledby="db-iam">
      <h2 id="db-iam">IAM database authentication</h2>
      {!iam ? (
        <p className="muted">This controller does not report IAM checks.</p>
      ) : (
        <>
          <p>
            <span className={`badge badge-${STATUS[iam.status].badge}`} data-testid="db-iam-status">
              {STATUS[iam.status].label}
            </span>{' '}
            <span className="muted small">
              {iam.checkedAt ? `checked ${formatTime(iam.checkedAt)} (DescribeDBInstances)` : 'never checked'}
            </span>
          </p>
          <p>{iam.message}</p>
          {iam.fix &&
            (iam.status === 'iam_disabled' ? (
              <CodeBlock code={iam.fix} label="command enabling IAM authentication" />
            ) : (
              <p className="fix">
                <strong>Fix:</strong> {iam.fix}
              </p>
            ))}
          <dl className="kv">
            <dt>Resource id</dt>
            <dd>{iam.dbiResourceId ? <code>{iam.dbiResourceId}</code> : '—'}</dd>
            <dt>Endpoint</dt>
            <dd>
              {iam.endpoint ? (
                <code>
                  {iam.endpoint.address}:{iam.endpoint.port}
                </code>
              ) : (
                '—'
              )}
            </dd>
          </dl>
        </>
      )}
      <div className="actions">
        <RoleButton
          isAllowed={canCheck}
          neededRole="operator"
          onClick={() => check.mutate()}
          disabled={check.isPending}
        >
          {check.isPending ? 'Checking…' : 'Check now'}
        </RoleButton>
      </div>
      {check.isError && (
        <p className="error-text" role="alert">
          {check.error.message}
        </p>
      )}
      <h3>IAM policy for the nodes</h3>
      {database.policy ? (
        <>
          <p className="muted small">
            Attach to the role the nodes use: it lets {(database.iamUsers ?? []).map((u) => `"${u}"`).join(', ')}{' '}
            connect with IAM.
          </p>
          <CodeBlock code={JSON.stringify(database.policy, null, 2)} label="IAM policy" />
        </>
      ) : (
        <p className="muted">
          {database.iamUsers && database.iamUsers.length === 0
            ? 'No node targets this database yet: the policy names the IAM users its nodes use.'
            : 'Known once the check has read the instance’s resource id and account. Or run `iamroll policy` with them.'}
        </p>
      )}
      <h3>SQL for the IAM database users</h3>
      {database.sql ? <CodeBlock code={database.sql} label="SQL" /> : <p className="muted">Shown with the policy.</p>}
    </section>
  );
}
