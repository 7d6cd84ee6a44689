import type { NodePreflightView, PreflightCheck } from '@iamroll/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { CodeBlock } from '../../components/CodeBlock';
import { Empty, QueryView, RoleButton } from '../../components/states';
import { formatStage, formatTime } from '../../lib/format';
import { useCan } from '../auth/hooks/use-session';
import {
  clearPreflightOverride,
  nodePreflightQuery,
  overridePreflight,
  preflightKeys,
  runPreflight,
} from './api/preflight-queries';

// The node's preflight (issue 12): every prerequisite of IAM authentication its agent proved
// or found missing, per target stage, with the exact fix; "run again" (operator) and an
// override with a written reason (admin). Rollouts read the same verdicts.

const STATUS_LABEL: Record<PreflightCheck['status'], string> = {
  pass: 'pass',
  fail: 'fail',
  skip: 'skipped',
  info: 'note',
};
const STATUS_BADGE: Record<PreflightCheck['status'], string> = {
  pass: 'ok',
  fail: 'critical',
  skip: 'muted',
  info: 'info',
};

function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

function Check({ check }: { check: PreflightCheck }) {
  // A fix spanning lines (a policy document, SQL) is code to copy; a one-liner reads as text.
  const isCode = check.fix.includes('\n') || /^(GRANT|CREATE|ALTER|aws |\{)/.test(check.fix.trim());
  return (
    <li className={`finding preflight-check preflight-${check.status}`} data-testid="preflight-check">
      <div className="finding-head">
        <span className={`badge badge-${STATUS_BADGE[check.status]}`}>{STATUS_LABEL[check.status]}</span>{' '}
        <code>{check.id}</code>
        {check.connection && <span className="muted"> · {check.connection === 'rw' ? 'read-write' : 'read-only'}</span>}
      </div>
      <p>{check.message}</p>
      {check.fix &&
        (isCode ? (
          <CodeBlock code={check.fix} label={`fix for ${check.id}`} />
        ) : (
          <p className="fix">
            <strong>Fix:</strong> {check.fix}
          </p>
        ))}
    </li>
  );
}

function OverrideControl({ nodeId, view }: { nodeId: string; view: NodePreflightView }) {
  const canOverride = useCan('admin');
  const queryClient = useQueryClient();
  const [isOpen, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const mutation = useMutation({
    mutationFn: () =>
      view.override
        ? clearPreflightOverride(nodeId, { reason: reason.trim() })
        : overridePreflight(nodeId, { reason: reason.trim() }),
    onSuccess: (next) => {
      queryClient.setQueryData(preflightKeys.detail(nodeId), next);
      setOpen(false);
      setReason('');
    },
  });
  const verb = view.override ? 'Clear override' : 'Override';
  if (!isOpen)
    return (
      <RoleButton isAllowed={canOverride} neededRole="admin" onClick={() => setOpen(true)}>
        {verb}…
      </RoleButton>
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <form className="confirm" onSubmit={submit} aria-label={`${verb} preflight`}>
      <p>
        {view.override
          ? 'Rollouts will obey this node’s preflight again.'
          : 'Rollouts will switch this node despite a failing, old or missing preflight (a database with IAM disabled still blocks it).'}
      </p>
      <label htmlFor="preflight-override-reason">Reason (required, goes to the audit log)</label>
      <input
        id="preflight-override-reason"
        required
        maxLength={500}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <div className="actions">
        <button type="submit" disabled={mutation.isPending || !reason.trim()}>
          {verb}
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

function Checklist({ nodeId, view }: { nodeId: string; view: NodePreflightView }) {
  const canRun = useCan('operator');
  const queryClient = useQueryClient();
  const run = useMutation({
    mutationFn: () => runPreflight(nodeId),
    onSuccess: (next) => queryClient.setQueryData(preflightKeys.detail(nodeId), next),
  });
  return (
    <>
      <div className="actions">
        <RoleButton
          isAllowed={canRun}
          neededRole="operator"
          onClick={() => run.mutate()}
          disabled={run.isPending || view.pending !== null}
        >
          {view.pending ? 'Waiting for the agent…' : 'Run again'}
        </RoleButton>
        <OverrideControl nodeId={nodeId} view={view} />
      </div>
      {run.isError && (
        <p className="error-text" role="alert">
          {run.error.message}
        </p>
      )}
      {view.pending && (
        <p className="muted small" data-testid="preflight-pending">
          Asked for {view.pending.stages.map(formatStage).join(' and ')} at {formatTime(view.pending.requestedAt)}: its
          agent answers in a following heartbeat.
        </p>
      )}
      {view.override && (
        <p className="notice" data-testid="preflight-override">
          Overridden by {view.override.by} ({formatTime(view.override.at)}): {view.override.reason}
        </p>
      )}
      {view.results.length === 0 ? (
        <Empty>
          No preflight result yet. Its agent runs one when asked (Run again, or a rollout reaching it), or run{' '}
          <code>iamroll preflight --kong-conf PATH --to ro_iam|rw_iam</code> on the node.
        </Empty>
      ) : (
        view.results.map((result) => (
          <div key={result.stage} className="preflight-stage">
            <h3>
              For {formatStage(result.stage)}:{' '}
              <span className={`badge badge-${result.isPassed ? 'ok' : 'critical'}`} data-testid="preflight-verdict">
                {result.isPassed ? 'ready' : 'not ready'}
              </span>{' '}
              <span className="muted small" title={formatTime(result.checkedAt)}>
                checked {formatAge(result.ageSeconds)}
              </span>
            </h3>
            <ul className="findings">
              {result.checks.map((check, index) => (
                <Check key={`${check.id}-${check.connection ?? ''}-${index}`} check={check} />
              ))}
            </ul>
          </div>
        ))
      )}
    </>
  );
}

export function PreflightChecklist({ nodeId }: { nodeId: string }) {
  const query = useQuery(nodePreflightQuery(nodeId));
  return (
    <section className="card section" aria-labelledby="node-preflight">
      <h2 id="node-preflight">Preflight</h2>
      <QueryView query={query} loadingLabel="Loading preflight…">
        {(view) => <Checklist nodeId={nodeId} view={view} />}
      </QueryView>
    </section>
  );
}
