import type { DatabaseView, SandboxInstance, SandboxNode, SandboxView } from '@iamroll/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorState, Loading, RoleButton } from '../../../components/states';
import { Link } from '../../../lib/router';
import { useCan } from '../../auth/hooks/use-session';
import { databaseKeys, databasesQuery, updateDatabase } from '../../databases/api/databases-queries';
import { addNodes, breakNode, repairNode, sandboxKeys, sandboxQuery, setThrottleBudget } from '../api/sandbox-queries';

function useSandboxMutation<A>(run: (arg: A) => Promise<SandboxView>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (view) => queryClient.setQueryData(sandboxKeys.all, view),
  });
}

function ThrottleForm({ instance }: { instance: SandboxInstance }) {
  const canAct = useCan('operator');
  const [value, setValue] = useState(String(instance.throttleBudgetPerSecond));
  const mutation = useSandboxMutation((perSecond: number) => setThrottleBudget(instance.identifier, perSecond));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate(Number(value));
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`RDS throttling of ${instance.identifier}`}>
      <label>
        RDS throttles above (logins/s)
        <input
          type="number"
          min={0}
          max={100000}
          required
          value={value}
          disabled={!canAct}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <RoleButton type="submit" isAllowed={canAct} neededRole="operator" disabled={mutation.isPending}>
        Set RDS throttling
      </RoleButton>
      {mutation.isError && (
        <p className="error-text" role="alert">
          {mutation.error.message}
        </p>
      )}
      {mutation.isSuccess && (
        <p className="muted small" role="status">
          The simulated instance now admits{' '}
          {mutation.data.instances.find((i) => i.identifier === instance.identifier)?.throttleBudgetPerSecond ?? value}{' '}
          IAM logins/s.
        </p>
      )}
    </form>
  );
}

function RegisteredBudgetForm({ database }: { database: DatabaseView }) {
  const canEdit = useCan('admin');
  const queryClient = useQueryClient();
  const [value, setValue] = useState(String(database.budgetPerSecond));
  const mutation = useMutation({
    mutationFn: (budgetPerSecond: number) =>
      updateDatabase(database.id, { budgetPerSecond, reason: 'sandbox demo: registered budget changed' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.all }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate(Number(value));
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Registered budget of ${database.identifier}`}>
      <label>
        iamroll paces against (logins/s)
        <input
          type="number"
          min={1}
          max={100000}
          required
          value={value}
          disabled={!canEdit}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <RoleButton type="submit" isAllowed={canEdit} neededRole="admin" disabled={mutation.isPending}>
        Set registered budget
      </RoleButton>
      {mutation.isError && (
        <p className="error-text" role="alert">
          {mutation.error.message}
        </p>
      )}
      {mutation.isSuccess && (
        <p className="muted small" role="status">
          Saved (in the audit log).
        </p>
      )}
    </form>
  );
}

function InstanceCard({ instance, database }: { instance: SandboxInstance; database: DatabaseView | undefined }) {
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

function NodeRow({ node }: { node: SandboxNode }) {
  const canAct = useCan('operator');
  const fail = useSandboxMutation(() => breakNode(node.name, { fault: 'restart-fails', times: 1 }));
  const silence = useSandboxMutation(() => breakNode(node.name, { fault: 'agent-stopped' }));
  const repair = useSandboxMutation(() => repairNode(node.name));
  const isBroken = node.failingRestarts > 0 || !node.isAgentRunning;
  const busy = fail.isPending || silence.isPending || repair.isPending;
  const error = fail.error ?? silence.error ?? repair.error;
  return (
    <tr data-testid="sandbox-node" data-node={node.name}>
      <th scope="row" className="mono">
        {node.name}
      </th>
      <td>{node.role.replace('_', ' ')}</td>
      <td className="small">{node.note ?? '—'}</td>
      <td>
        {!node.isAgentRunning ? (
          <span className="badge badge-critical">agent stopped</span>
        ) : node.failingRestarts > 0 ? (
          <span className="badge badge-warning">next restart fails</span>
        ) : (
          <span className="badge badge-ok">healthy</span>
        )}
        {error && (
          <span className="error-text small" role="alert">
            {' '}
            {error.message}
          </span>
        )}
      </td>
      <td className="actions">
        <RoleButton
          isAllowed={canAct}
          neededRole="operator"
          disabled={busy}
          onClick={() => fail.mutate(undefined)}
          aria-label={`Make the next restart of ${node.name} fail`}
        >
          Fail next restart
        </RoleButton>
        <RoleButton
          isAllowed={canAct}
          neededRole="operator"
          disabled={busy || !node.isAgentRunning}
          onClick={() => silence.mutate(undefined)}
          aria-label={`Stop the agent of ${node.name}`}
        >
          Stop agent
        </RoleButton>
        <RoleButton
          isAllowed={canAct}
          neededRole="operator"
          disabled={busy || !isBroken}
          onClick={() => repair.mutate(undefined)}
          aria-label={`Repair ${node.name}`}
        >
          Repair
        </RoleButton>
      </td>
    </tr>
  );
}

function AddNodesForm() {
  const canAct = useCan('operator');
  const [count, setCount] = useState('4');
  const mutation = useSandboxMutation((n: number) => addNodes(n));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate(Number(count));
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add nodes">
      <label>
        Nodes to add
        <input
          type="number"
          min={1}
          max={50}
          required
          value={count}
          disabled={!canAct}
          onChange={(e) => setCount(e.target.value)}
        />
      </label>
      <RoleButton type="submit" isAllowed={canAct} neededRole="operator" disabled={mutation.isPending}>
        {mutation.isPending ? 'Adding…' : 'Add nodes'}
      </RoleButton>
      {mutation.isError && (
        <p className="error-text" role="alert">
          {mutation.error.message}
        </p>
      )}
    </form>
  );
}

export function SandboxPage() {
  const sandbox = useQuery(sandboxQuery());
  const databases = useQuery(databasesQuery());
  if (sandbox.isPending) return <Loading />;
  if (sandbox.isError) return <ErrorState error={sandbox.error} onRetry={() => void sandbox.refetch()} />;
  if (!sandbox.data)
    return (
      <div className="state empty">
        <h1>No sandbox</h1>
        <p>
          This controller runs for real (<code>iamroll serve</code>): there is nothing simulated to control. Try the
          sandbox with <code>npm start</code> in a checkout.
        </p>
      </div>
    );
  const view = sandbox.data;
  const databaseOf = (instance: SandboxInstance) =>
    databases.data?.items.find((db) => db.host === instance.endpointHost && db.port === instance.endpointPort);
  return (
    <>
      <header className="page-header">
        <h1>Sandbox</h1>
        <p className="muted">
          Demo controls for the simulated RDS instances and Kong nodes. Its state lives in{' '}
          <code className="mono">{view.stateDir}</code>; stop the sandbox and delete that directory to start over.
        </p>
      </header>
      <section className="section" aria-labelledby="sandbox-databases">
        <h2 id="sandbox-databases">Databases</h2>
        <div className="card-grid">
          {view.instances.map((instance) => (
            <InstanceCard key={instance.identifier} instance={instance} database={databaseOf(instance)} />
          ))}
        </div>
      </section>
      <section className="card section" aria-labelledby="sandbox-nodes">
        <div className="section-head">
          <h2 id="sandbox-nodes">
            Kong nodes <span className="count">{view.nodes.length}</span>
          </h2>
          <AddNodesForm />
        </div>
        <p className="muted small">
          Each node runs the real agent on its own kong.conf. A failing restart makes the agent undo its switch and
          report why; a stopped agent makes the node go silent (a stale-node alarm). See them on the{' '}
          <Link to="/nodes">Nodes</Link> page.
        </p>
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Role</th>
                <th scope="col">Its kong.conf</th>
                <th scope="col">Sandbox state</th>
                <th scope="col">Break it</th>
              </tr>
            </thead>
            <tbody>
              {view.nodes.map((node) => (
                <NodeRow key={node.name} node={node} />
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
