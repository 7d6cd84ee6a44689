import type { NodePlan, NodeView } from '@iamroll/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states';
import { formatStage } from '../../../lib/format';
import { nodePlanQuery } from '../api/nodes-queries';

const STAGES: readonly { stage: NodePlan['to'] | undefined; label: string }[] = [
  { stage: undefined, label: 'Next stage' },
  { stage: 'ro_iam', label: 'Read-only on IAM' },
  { stage: 'rw_iam', label: 'Both on IAM' },
];

const shown = (value: string | null) =>
  value === null ? <span className="muted">(Kong’s default)</span> : <code>{value}</code>;

function PlanBody({ plan }: { plan: NodePlan }) {
  if (plan.error) return <p className="notice">{plan.error}</p>;
  return (
    <>
      <p className="small">
        From <strong>{formatStage(plan.from)}</strong> to <strong>{formatStage(plan.to)}</strong>:{' '}
        {plan.changes.length === 0
          ? 'nothing to change.'
          : `${plan.changes.length} ${plan.changes.length === 1 ? 'setting changes' : 'settings change'}.`}
      </p>
      {plan.changes.length > 0 && (
        <table className="data-table plan-table" data-testid="node-plan-changes">
          <caption className="sr-only">Settings the stage changes</caption>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Now</th>
              <th scope="col">
                <span className="sr-only">becomes</span>
              </th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {plan.changes.map((change) => (
              <tr key={change.key}>
                <th scope="row">
                  <code>{change.key}</code>
                </th>
                <td>{shown(change.from)}</td>
                <td className="arrow" aria-hidden="true">
                  →
                </td>
                <td>{shown(change.to)}</td>
              </tr>
            ))}
            {plan.kept.map((kept) => (
              <tr key={kept.key} className="muted">
                <th scope="row">
                  <code>{kept.key}</code>
                </th>
                <td colSpan={3}>unchanged: {kept.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {plan.blockers.length > 0 && (
        <ul className="findings">
          {plan.blockers.map((blocker) => (
            <li key={`${blocker.rule}-${blocker.key}`} className="finding finding-error">
              <p>
                <strong>Blocks it:</strong> {blocker.message}
              </p>
              {blocker.fix && (
                <p className="fix">
                  <strong>Fix:</strong> {blocker.fix}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {plan.notes.length > 0 && (
        <ul className="small">
          {plan.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The edit of the node's next stage, as the controller plans it from the settings the node reported. */
export function NodePlanView({ node }: { node: NodeView }) {
  const [stage, setStage] = useState<NodePlan['to'] | undefined>(undefined);
  const plan = useQuery(nodePlanQuery(node.id, stage, node.configHash));
  return (
    <>
      <div className="segmented" role="group" aria-label="Stage to plan">
        {STAGES.map((option) => (
          <button
            key={option.label}
            type="button"
            aria-pressed={stage === option.stage}
            onClick={() => setStage(option.stage)}
          >
            {option.label}
          </button>
        ))}
      </div>
      {plan.isPending ? (
        <Loading />
      ) : plan.isError ? (
        <ErrorState error={plan.error} onRetry={() => void plan.refetch()} />
      ) : plan.data ? (
        <PlanBody plan={plan.data} />
      ) : (
        <Empty>No plan.</Empty>
      )}
      <p className="muted small">
        No secret is read or shown: passwords stay on the node, untouched. The agent makes the same edit in kong.conf,
        or in Kong&apos;s KONG_* environment when that is where the setting comes from.
      </p>
    </>
  );
}
