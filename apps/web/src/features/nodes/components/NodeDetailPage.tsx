import type { ConnectionConfig, NodeDetail } from '@iamroll/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { RateChart } from '../../../components/RateChart';
import { Field } from '../../../components/Field';
import { Empty, ErrorState, Loading, RoleButton } from '../../../components/states';
import { formatAgo, formatKongRole, formatStage, formatTime } from '../../../lib/format';
import { Link, navigate } from '../../../lib/router';
import { useCan } from '../../auth/hooks/use-session';
import { decommissionNode, nodeKeys, nodeQuery } from '../api/nodes-queries';
import { PreflightChecklist } from '../PreflightChecklist';
import { NodeFailures } from './NodeFailures';
import { NodePlanView } from './NodePlanView';

function Connection({ title, connection }: { title: string; connection: ConnectionConfig | null }) {
  if (!connection) {
    return (
      <div>
        <h3>{title}</h3>
        <p className="muted">None.</p>
      </div>
    );
  }
  return (
    <div>
      <h3>{title}</h3>
      <dl className="kv">
        <dt>Host</dt>
        <dd>
          <code>
            {connection.host}:{connection.port}
          </code>
        </dd>
        <dt>Database / user</dt>
        <dd>
          <code>{connection.database}</code> as <code>{connection.user}</code>
        </dd>
        <dt>Authentication</dt>
        <dd>{connection.iam ? 'IAM token' : 'password'}</dd>
        <dt>TLS</dt>
        <dd>
          {connection.ssl ? 'on' : 'off'}
          {connection.ssl ? (connection.sslVerify ? ', verified' : ', not verified') : ''}
        </dd>
        <dt>Signing region</dt>
        <dd>{connection.region ?? 'cannot be derived from the host'}</dd>
      </dl>
    </div>
  );
}

function Decommission({ id, hostname }: { id: string; hostname: string }) {
  const canDecommission = useCan('admin');
  const queryClient = useQueryClient();
  const [isOpen, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const mutation = useMutation({
    mutationFn: () => decommissionNode(id, { reason: reason.trim() }),
    onSuccess: () => navigate('/nodes'),
    onSettled: () => queryClient.invalidateQueries({ queryKey: nodeKeys.all }),
  });
  if (!isOpen) {
    return (
      <RoleButton isAllowed={canDecommission} neededRole="admin" className="danger" onClick={() => setOpen(true)}>
        Decommission…
      </RoleButton>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <form className="confirm" onSubmit={submit} aria-label={`Decommission ${hostname}`}>
      <p>
        Decommissioning revokes <strong>{hostname}</strong>&apos;s agent credential and removes it from the fleet. Its
        Kong keeps running as it is.
      </p>
      <Field label="Reason (required, goes to the audit log)">
        <input required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <div className="actions">
        <button type="submit" className="danger" disabled={mutation.isPending || !reason.trim()}>
          Decommission {hostname}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {mutation.isError && (
        <p className="error-text" role="alert">
          {mutation.error.message}
        </p>
      )}
    </form>
  );
}

function Overview({ detail }: { detail: NodeDetail }) {
  const { node } = detail;
  return (
    <dl className="facts">
      <div>
        <dt>Status</dt>
        <dd>
          {node.isStale ? 'stale (silent)' : (node.status ?? 'no heartbeat yet')}
          {node.statusMessage && <div className="muted small">{node.statusMessage}</div>}
        </dd>
      </div>
      <div>
        <dt>Role</dt>
        <dd>{formatKongRole(node.role)}</dd>
      </div>
      <div>
        <dt>Kong / agent</dt>
        <dd>
          {node.kongVersion ?? '—'} / {node.agentVersion ?? '—'}
        </dd>
      </div>
      <div>
        <dt>Stage</dt>
        <dd>
          {formatStage(node.stage)}
          {node.desiredStage !== node.stage && (
            <div className="muted small">wanted: {formatStage(node.desiredStage)}</div>
          )}
        </dd>
      </div>
      <div>
        <dt>Transition</dt>
        <dd>
          {node.transition}
          {node.transitionReason && <div className="muted small">{node.transitionReason}</div>}
        </dd>
      </div>
      <div>
        <dt>Last seen</dt>
        <dd title={formatTime(node.lastSeenAt)}>{formatAgo(node.lastSeenAt)}</dd>
      </div>
      <div>
        <dt>Databases</dt>
        <dd>
          {node.rwDatabase ? <Link to={`/databases/${node.rwDatabase.id}`}>{node.rwDatabase.identifier}</Link> : '—'}
          {node.roDatabase && node.roDatabase.id !== node.rwDatabase?.id && (
            <>
              {' · ro '}
              <Link to={`/databases/${node.roDatabase.id}`}>{node.roDatabase.identifier}</Link>
            </>
          )}
        </dd>
      </div>
    </dl>
  );
}

export function NodeDetailPage({ id }: { id: string }) {
  const query = useQuery(nodeQuery(id));
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const detail = query.data;
  const { node } = detail;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/nodes">Nodes</Link> › {node.hostname}
      </nav>
      <header className="page-header with-actions">
        <div>
          <h1>{node.hostname}</h1>
          <p className="muted small">
            <code>{node.id}</code> · enrolled {formatTime(node.createdAt)}
          </p>
        </div>
        <Decommission id={node.id} hostname={node.hostname} />
      </header>
      {!node.isIamApplicable && (
        <p className="notice">
          This node never connects to PostgreSQL (data plane or DB-less): IAM authentication does not apply to it.
        </p>
      )}
      <section className="card section" aria-labelledby="node-overview">
        <h2 id="node-overview">Overview</h2>
        <Overview detail={detail} />
      </section>
      <section className="card section" aria-labelledby="node-rates">
        <h2 id="node-rates">New connections per second (last 5 min)</h2>
        <RateChart
          title={`${node.hostname} new connections`}
          points={detail.rates.points}
          seriesLabel="connections/s"
          isShowingPeak={false}
        />
        <p className="muted small">Every new connection of the node, read-write and read-only, IAM or password.</p>
        <h3>Failed logins by cause</h3>
        <NodeFailures hostname={node.hostname} failures={detail.failures} />
      </section>
      <section className="card section" aria-labelledby="node-findings">
        <h2 id="node-findings">
          Findings <span className="count">{detail.findings.length}</span>
        </h2>
        {detail.findings.length === 0 ? (
          <Empty>No lint findings: the configuration is ready for its next stage.</Empty>
        ) : (
          <ul className="findings">
            {detail.findings.map((finding, index) => (
              <li key={`${finding.rule}-${finding.key}-${index}`} className={`finding finding-${finding.severity}`}>
                <div className="finding-head">
                  <span className={`badge badge-${finding.severity === 'error' ? 'critical' : finding.severity}`}>
                    {finding.severity}
                  </span>{' '}
                  <code>{finding.rule}</code>
                  {finding.key && (
                    <>
                      {' · '}
                      <code>{finding.key}</code>
                    </>
                  )}
                </div>
                <p>{finding.message}</p>
                {finding.fix && (
                  <p className="fix">
                    <strong>Fix:</strong> {finding.fix}
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      {node.isIamApplicable && <PreflightChecklist nodeId={node.id} />}
      {node.isIamApplicable && (
        <section className="card section" aria-labelledby="node-plan">
          <h2 id="node-plan">Planned edit (no secrets)</h2>
          <NodePlanView node={node} />
        </section>
      )}
      <section className="card section" aria-labelledby="node-config">
        <h2 id="node-config">Effective settings (as the agent reported, no secrets)</h2>
        {detail.config ? (
          <>
            <p className="muted small">
              {detail.config.workers} workers × pool {detail.config.poolSize} · config hash{' '}
              <code>{detail.config.hash.slice(0, 12)}</code>
            </p>
            <div className="two-col">
              <Connection title="Read-write (pg_*)" connection={detail.config.rw} />
              <Connection title="Read-only (pg_ro_*)" connection={detail.config.ro} />
            </div>
          </>
        ) : (
          <Empty>No heartbeat yet.</Empty>
        )}
      </section>
      <section className="card section" aria-labelledby="node-events">
        <h2 id="node-events">Timeline</h2>
        {detail.recentEvents.length === 0 ? (
          <Empty>No events about this node yet.</Empty>
        ) : (
          <ol className="timeline">
            {detail.recentEvents.map((event) => (
              <li key={event.id}>
                <time dateTime={event.at}>{formatTime(event.at)}</time> <code>{event.action}</code> by{' '}
                {event.actorName ?? event.actorType}
                {event.reason && <span className="muted"> — {event.reason}</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
