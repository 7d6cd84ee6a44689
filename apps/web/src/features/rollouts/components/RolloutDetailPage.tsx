import type { RolloutControl, RolloutNodeState, RolloutView } from '@iamroll/contracts';
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { QueryView, RoleButton } from '../../../components/states';
import { formatStage, formatTime } from '../../../lib/format';
import { Link } from '../../../lib/router';
import { useCan } from '../../auth/hooks/use-session';
import { databasesQuery } from '../../databases/api/databases-queries';
import { controlsFor, rolloutQuery } from '../api/rollouts-queries';
import { useRolloutControl } from '../hooks/use-rollout-control';
import { CONTROL_LABELS, ControlDialog } from './ControlDialog';
import { formatPhase } from './RolloutPreviewView';
import { RolloutStatusBadge } from './RolloutStatusBadge';
import { RolloutStep } from './RolloutStep';

/** The controls in the order the page offers them: CONTROL_LABELS is keyed by the contract's RolloutControl. */
const CONTROLS = Object.keys(CONTROL_LABELS) as RolloutControl[];

/**
 * Every node state of the contract's RolloutNodeState, in the order the summary counts them
 * (what needs a look first). `satisfies` makes a state added to the contract a type error here.
 */
const NODE_STATE_ORDER = {
  failed: 0,
  switching: 1,
  waiting: 2,
  switched: 3,
  reverted: 4,
  blocked: 5,
  skipped: 6,
} as const satisfies Record<RolloutNodeState, number>;

/** "2 switched, 1 waiting": the rollout's nodes counted by state, in NODE_STATE_ORDER. */
export function countNodeStates(nodes: RolloutView['nodes']): string {
  const counts = new Map<RolloutNodeState, number>();
  for (const node of nodes) counts.set(node.state, (counts.get(node.state) ?? 0) + 1);
  return (
    [...counts]
      .sort(([a], [b]) => NODE_STATE_ORDER[a] - NODE_STATE_ORDER[b])
      .map(([state, count]) => `${count} ${state}`)
      .join(', ') || 'none'
  );
}

function formatEngineStage(stage: string): string {
  return stage === 'rw_iam_ro_password' ? 'read-write on IAM, read-only on passwords' : formatStage(stage);
}

export function RolloutDetailPage({ id }: { id: string }) {
  const query = useQuery(rolloutQuery(id));
  return (
    <>
      <p className="breadcrumb">
        <Link to="/rollouts">Rollouts</Link> /
      </p>
      <QueryView query={query} loadingLabel="Loading the rollout…">
        {(rollout) => <RolloutDetail rollout={rollout} />}
      </QueryView>
    </>
  );
}

function RolloutDetail({ rollout }: { rollout: RolloutView }) {
  const canOperate = useCan('operator');
  const control = useRolloutControl(rollout.id);
  const [open, setOpen] = useState<RolloutControl | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const databases = useQuery(databasesQuery());
  const possible = controlsFor(rollout.status);
  const close = () => {
    setOpen(null);
    control.reset();
    // The control may be gone with the new status: then the heading takes the focus.
    if (opener.current?.isConnected) opener.current.focus();
    else heading.current?.focus();
  };
  const databaseId = (rollout.spec.scope as { databaseId?: string } | undefined)?.databaseId;
  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Rollout <span className="mono">{rollout.id.slice(0, 8)}</span> <RolloutStatusBadge status={rollout.status} />
        </h1>
        <p data-testid="rollout-message" aria-live="polite">
          {rollout.message}
        </p>
      </header>
      <RolloutStep rollout={rollout} />
      <section className="section" aria-label="Summary">
        <dl className="facts">
          <div>
            <dt>Phase</dt>
            <dd data-testid="rollout-phase">{formatPhase(rollout.phase)}</dd>
          </div>
          {databaseId && (
            <div>
              <dt>Database</dt>
              <dd>
                <Link to={`/databases/${databaseId}`}>
                  {databases.data?.items.find((database) => database.id === databaseId)?.identifier ??
                    databaseId.slice(0, 8)}
                </Link>
              </dd>
            </div>
          )}
          <div>
            <dt>Reason</dt>
            <dd>{rollout.reason}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              {formatTime(rollout.createdAt)} by {rollout.createdBy}
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{formatTime(rollout.startedAt)}</dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>{formatTime(rollout.finishedAt)}</dd>
          </div>
          {rollout.pause && (
            <div>
              <dt>{rollout.status === 'aborted' ? 'Aborted' : 'Paused'}</dt>
              <dd>
                by {rollout.pause.by} at {formatTime(rollout.pause.at)}: {rollout.pause.reason}
              </dd>
            </div>
          )}
          <div>
            <dt>Nodes</dt>
            <dd data-testid="rollout-node-counts">{countNodeStates(rollout.nodes)}</dd>
          </div>
        </dl>
      </section>
      <section className="section" aria-labelledby="controls-title">
        <h2 id="controls-title">Controls</h2>
        <div className="actions" role="group" aria-labelledby="controls-title">
          {CONTROLS.filter((name) => possible.has(name)).map((name) => (
            <RoleButton
              key={name}
              isAllowed={canOperate}
              neededRole="operator"
              className={name === 'abort' || name === 'rollback' ? 'danger' : undefined}
              onClick={(event) => {
                opener.current = event.currentTarget;
                control.reset();
                setOpen(name);
              }}
            >
              {CONTROL_LABELS[name]}…
            </RoleButton>
          ))}
          {possible.size === 0 && <p className="muted">Nothing more to do: this rollout is {rollout.status}.</p>}
        </div>
        {open && (
          <ControlDialog
            control={open}
            isPending={control.isPending}
            error={control.isError ? control.error.message : null}
            onClose={close}
            onConfirm={(reason) =>
              control.mutate(
                { control: open, reason },
                {
                  onSuccess: () => close(),
                },
              )
            }
          />
        )}
      </section>
      <section className="section" aria-labelledby="nodes-title">
        <h2 id="nodes-title">Nodes</h2>
        <div className="table-scroll">
          <table className="data-table">
            <caption className="sr-only">Nodes in this rollout</caption>
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Phase</th>
                <th scope="col">State</th>
                <th scope="col">From → to</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {rollout.nodes.map((node) => (
                <tr key={node.id} data-testid="rollout-node-row">
                  <td>
                    <Link to={`/nodes/${node.id}`}>{node.hostname ?? node.id.slice(0, 8)}</Link>
                  </td>
                  <td>{formatPhase(node.phase)}</td>
                  <td data-testid="rollout-node-state">{node.state}</td>
                  <td>
                    {formatEngineStage(node.fromStage)} → {formatEngineStage(node.toStage)}
                  </td>
                  <td>{node.reason ?? ''}</td>
                </tr>
              ))}
              {rollout.nodes.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    No node yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
