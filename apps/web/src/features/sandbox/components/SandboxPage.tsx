import type { SandboxInstance } from '@iamroll/contracts';
import { useQuery } from '@tanstack/react-query';
import { ErrorState, Loading } from '../../../components/states';
import { Link } from '../../../lib/router';
import { useCan } from '../../auth/hooks/use-session';
import { databasesQuery } from '../../databases/api/databases-queries';
import { addNodes, sandboxQuery } from '../api/sandbox-queries';
import { useSandboxMutation } from '../hooks/use-sandbox-mutation';
import { IamUserCard } from './IamUserCard';
import { InstanceCard } from './InstanceCard';
import { NumberControl } from './NumberControl';
import { SandboxNodeRow } from './SandboxNodeRow';

function AddNodesForm() {
  const canAct = useCan('operator');
  const mutation = useSandboxMutation((n: number) => addNodes(n));
  return (
    <NumberControl
      name="Add nodes"
      label="Nodes to add"
      initial={4}
      min={1}
      max={50}
      neededRole="operator"
      isAllowed={canAct}
      button="Add nodes"
      pendingButton="Adding…"
      isPending={mutation.isPending}
      error={mutation.error}
      done={null}
      onSubmit={(n) => mutation.mutate(n)}
    />
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
      <section className="section" aria-labelledby="sandbox-iam-users">
        <h2 id="sandbox-iam-users">IAM database users</h2>
        <div className="card-grid">
          {view.iamUsers.map((iamUser) => (
            <IamUserCard key={iamUser.user} iamUser={iamUser} />
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
                <SandboxNodeRow key={node.name} node={node} />
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
