import type { SandboxNode } from '@iamroll/contracts';
import { RoleButton } from '../../../components/states';
import { useCan } from '../../auth/hooks/use-session';
import { breakNode, repairNode } from '../api/sandbox-queries';
import { useSandboxMutation } from '../hooks/use-sandbox-mutation';

function SandboxState({ node }: { node: SandboxNode }) {
  if (!node.isAgentRunning) return <span className="badge badge-critical">agent stopped</span>;
  if (node.failingRestarts > 0) return <span className="badge badge-warning">next restart fails</span>;
  return <span className="badge badge-ok">healthy</span>;
}

/** One simulated Kong node and the faults the operator can give it. */
export function SandboxNodeRow({ node }: { node: SandboxNode }) {
  const canAct = useCan('operator');
  const fail = useSandboxMutation(() => breakNode(node.name, { fault: 'restart-fails', times: 1 }));
  const silence = useSandboxMutation(() => breakNode(node.name, { fault: 'agent-stopped' }));
  const repair = useSandboxMutation(() => repairNode(node.name));
  const isBroken = node.failingRestarts > 0 || !node.isAgentRunning;
  const busy = fail.isPending || silence.isPending || repair.isPending;
  const error = fail.error ?? silence.error ?? repair.error;
  const controls = [
    { run: fail, label: 'Fail next restart', name: `Make the next restart of ${node.name} fail`, isEnabled: true },
    { run: silence, label: 'Stop agent', name: `Stop the agent of ${node.name}`, isEnabled: node.isAgentRunning },
    { run: repair, label: 'Repair', name: `Repair ${node.name}`, isEnabled: isBroken },
  ];
  return (
    <tr data-testid="sandbox-node" data-node={node.name}>
      <th scope="row" className="mono">
        {node.name}
      </th>
      <td>{node.role.replace('_', ' ')}</td>
      <td className="small">{node.note ?? '—'}</td>
      <td>
        <SandboxState node={node} />
        {error && (
          <span className="error-text small" role="alert">
            {' '}
            {error.message}
          </span>
        )}
      </td>
      <td className="actions">
        {controls.map((control) => (
          <RoleButton
            key={control.label}
            isAllowed={canAct}
            neededRole="operator"
            disabled={busy || !control.isEnabled}
            onClick={() => control.run.mutate(undefined)}
            aria-label={control.name}
          >
            {control.label}
          </RoleButton>
        ))}
      </td>
    </tr>
  );
}
