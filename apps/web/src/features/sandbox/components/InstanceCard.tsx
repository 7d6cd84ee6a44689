import type { DatabaseView, SandboxInstance } from '@iamroll/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '../../../lib/router';
import { useCan } from '../../auth/hooks/use-session';
import { databaseKeys, updateDatabase } from '../../databases/api/databases-queries';
import { setThrottleBudget } from '../api/sandbox-queries';
import { useSandboxMutation } from '../hooks/use-sandbox-mutation';
import { NumberControl } from './NumberControl';

function ThrottleForm({ instance }: { instance: SandboxInstance }) {
  const canAct = useCan('operator');
  const mutation = useSandboxMutation((perSecond: number) => setThrottleBudget(instance.identifier, perSecond));
  const admitted = mutation.data?.instances.find((i) => i.identifier === instance.identifier)?.throttleBudgetPerSecond;
  return (
    <NumberControl
      name={`RDS throttling of ${instance.identifier}`}
      label="RDS throttles above (logins/s)"
      initial={instance.throttleBudgetPerSecond}
      min={0}
      max={100000}
      neededRole="operator"
      isAllowed={canAct}
      button="Set RDS throttling"
      isPending={mutation.isPending}
      error={mutation.error}
      done={mutation.isSuccess && <>The simulated instance now admits {admitted ?? mutation.variables} IAM logins/s.</>}
      onSubmit={(perSecond) => mutation.mutate(perSecond)}
    />
  );
}

function RegisteredBudgetForm({ database }: { database: DatabaseView }) {
  const canEdit = useCan('admin');
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (budgetPerSecond: number) =>
      updateDatabase(database.id, { budgetPerSecond, reason: 'sandbox demo: registered budget changed' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.all }),
  });
  return (
    <NumberControl
      name={`Registered budget of ${database.identifier}`}
      label="iamroll paces against (logins/s)"
      initial={database.budgetPerSecond}
      min={1}
      max={100000}
      neededRole="admin"
      isAllowed={canEdit}
      button="Set registered budget"
      isPending={mutation.isPending}
      error={mutation.error}
      done={mutation.isSuccess && 'Saved (in the audit log).'}
      onSubmit={(budgetPerSecond) => mutation.mutate(budgetPerSecond)}
    />
  );
}

/** One simulated RDS instance: what it sees, what it admits, and what iamroll paces against. */
export function InstanceCard({
  instance,
  database,
}: {
  instance: SandboxInstance;
  database: DatabaseView | undefined;
}) {
  return (
    <article className="card" aria-labelledby={`instance-${instance.identifier}`} data-testid="sandbox-instance">
      <header className="card-header">
        <h3 id={`instance-${instance.identifier}`}>
          {database ? <Link to={`/databases/${database.id}`}>{instance.identifier}</Link> : instance.identifier}{' '}
          <span className="badge badge-info">{instance.role === 'primary' ? 'primary' : 'read replica'}</span>
        </h3>
      </header>
      <p className="mono small">
        {instance.endpointHost}:{instance.endpointPort}
      </p>
      <p className="small" aria-live="polite">
        Last second at the simulator: <strong>{instance.iamLoginsLastSecond}</strong> IAM logins,{' '}
        <strong className={instance.throttledLastSecond > 0 ? 'text-critical' : undefined}>
          {instance.throttledLastSecond}
        </strong>{' '}
        throttled.
      </p>
      <h4>What RDS admits</h4>
      <p className="muted small">
        The simulated instance&apos;s own limit: above it, logins fail with &ldquo;too many competing requests&rdquo;,
        as on Amazon RDS (about 200/s). Lower it to see throttling in the nodes&apos; counters.
      </p>
      <ThrottleForm instance={instance} />
      <h4>What iamroll paces against</h4>
      <p className="muted small">
        The budget registered for this database: rollouts stay under it, and alarms open when the fleet&apos;s login
        rate nears or passes it. Lower it to see the alarm without any throttling.
      </p>
      {database ? <RegisteredBudgetForm database={database} /> : <p className="muted small">Not registered.</p>}
    </article>
  );
}
