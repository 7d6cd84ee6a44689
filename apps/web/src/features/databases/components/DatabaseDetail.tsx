import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { BudgetMeter } from '../../../components/BudgetMeter';
import { RateChart } from '../../../components/RateChart';
import { ErrorState, Loading, RoleButton } from '../../../components/states';
import { formatTime } from '../../../lib/format';
import { Link, setSearch, useLocation } from '../../../lib/router';
import { unresolvedAlarmsQuery } from '../../alarms/api/alarms-queries';
import { AlarmTable } from '../../alarms/components/AlarmTable';
import { useCan } from '../../auth/hooks/use-session';
import { DatabaseIamPanel } from './DatabaseIamPanel';
import {
  databaseKeys,
  databaseQuery,
  databaseRatesQuery,
  isRateRange,
  RATE_RANGES,
  updateDatabase,
  type RateRange,
} from '../api/databases-queries';
import { SourceRates } from './SourceRates';
import { Field } from '../../../components/Field';

function BudgetForm({
  id,
  budgetPerSecond,
  warningThreshold,
}: {
  id: string;
  budgetPerSecond: number;
  warningThreshold: number;
}) {
  const canEdit = useCan('admin');
  const queryClient = useQueryClient();
  const [budget, setBudget] = useState(String(budgetPerSecond));
  const [warningPercent, setWarningPercent] = useState(String(Math.round(warningThreshold * 100)));
  const [reason, setReason] = useState('');
  const mutation = useMutation({
    mutationFn: () =>
      updateDatabase(id, {
        budgetPerSecond: Number(budget),
        warningThreshold: Number(warningPercent) / 100,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      }),
    onSuccess: (database) => queryClient.setQueryData(databaseKeys.detail(id), database),
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.all }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Budget">
      <Field label="Budget (logins/s)">
        <input
          type="number"
          min={1}
          max={100000}
          required
          value={budget}
          disabled={!canEdit}
          onChange={(e) => setBudget(e.target.value)}
        />
      </Field>
      <Field label="Warning at (% of budget)">
        <input
          type="number"
          min={1}
          max={100}
          required
          value={warningPercent}
          disabled={!canEdit}
          onChange={(e) => setWarningPercent(e.target.value)}
        />
      </Field>
      <Field label="Reason (audit log)" className="grow">
        <input value={reason} maxLength={500} disabled={!canEdit} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <RoleButton type="submit" isAllowed={canEdit} neededRole="admin" disabled={mutation.isPending}>
        {mutation.isPending ? 'Saving…' : 'Save budget'}
      </RoleButton>
      {mutation.isError && (
        <p className="error-text" role="alert">
          {mutation.error.message}
        </p>
      )}
      {mutation.isSuccess && (
        <p className="muted small" role="status">
          Saved.
        </p>
      )}
    </form>
  );
}

export function DatabaseDetail({ id }: { id: string }) {
  const { search } = useLocation();
  const rangeParam = search.get('range');
  const range: RateRange = isRateRange(rangeParam) ? rangeParam : '5m';
  const database = useQuery(databaseQuery(id));
  const rates = useQuery(databaseRatesQuery(id, range));
  const alarms = useQuery(unresolvedAlarmsQuery());
  const databaseAlarms =
    alarms.data?.filter((alarm) => alarm.subjectType === 'database' && alarm.subjectId === id) ?? [];
  if (database.isPending) return <Loading />;
  if (database.isError) return <ErrorState error={database.error} onRetry={() => void database.refetch()} />;
  const db = database.data;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Fleet</Link> › {db.identifier}
      </nav>
      <header className="page-header">
        <h1>{db.identifier}</h1>
        <p className="muted">
          {db.host}:{db.port} · {db.region} · registered {formatTime(db.createdAt)}
        </p>
      </header>
      {databaseAlarms.length > 0 && (
        <section className="section" aria-labelledby="db-alarms">
          <h2 id="db-alarms">
            Alarms <span className="count">{databaseAlarms.length}</span>
          </h2>
          <AlarmTable alarms={databaseAlarms} caption={`Alarms about ${db.identifier}`} />
        </section>
      )}
      <section className="card section" aria-labelledby="rate-now">
        <h2 id="rate-now">IAM logins per second</h2>
        <BudgetMeter
          label={`${db.identifier}: new IAM logins per second against its budget`}
          ratePerSecond={db.ratePerSecond}
          peakPerSecond={db.peakPerSecond}
          budgetPerSecond={db.budgetPerSecond}
          warningThreshold={db.warningThreshold}
        />
        <div className="segmented" role="group" aria-label="Time range">
          {(Object.keys(RATE_RANGES) as RateRange[]).map((key) => (
            <button
              key={key}
              type="button"
              aria-pressed={range === key}
              onClick={() => setSearch({ range: key === '5m' ? undefined : key })}
            >
              {RATE_RANGES[key].label}
            </button>
          ))}
        </div>
        {rates.isError ? (
          <ErrorState error={rates.error} onRetry={() => void rates.refetch()} />
        ) : (
          <RateChart
            title={`${db.identifier}, ${RATE_RANGES[range].label}`}
            points={rates.data?.points ?? []}
            budgetPerSecond={db.budgetPerSecond}
            warningThreshold={db.warningThreshold}
            height={300}
          />
        )}
        <p className="muted small">
          {rates.data
            ? `One point per ${rates.data.points.length > 1 ? ((rates.data.points[1]!.t - rates.data.points[0]!.t) / 1000).toFixed(0) : rates.data.resolution} s (stored at ${rates.data.resolution} s resolution). `
            : ''}
          Blue: average per step; purple: the busiest second of each step; dashed: warning and budget lines.
        </p>
        <SourceRates
          id={db.id}
          identifier={db.identifier}
          range={range}
          warningThreshold={db.warningThreshold}
          local={rates.data?.points ?? []}
        />
      </section>
      <section className="card section" aria-labelledby="nodes-title">
        <h2 id="nodes-title">Nodes</h2>
        <dl className="facts">
          <div>
            <dt>Connected nodes</dt>
            <dd>
              <Link to={`/nodes?databaseId=${db.id}`}>{db.nodes.total}</Link>
            </dd>
          </div>
          <div>
            <dt>Read-write on IAM / passwords</dt>
            <dd>
              {db.nodes.rw.iam} / {db.nodes.rw.password}
            </dd>
          </div>
          <div>
            <dt>Read-only on IAM / passwords</dt>
            <dd>
              {db.nodes.ro.iam} / {db.nodes.ro.password}
            </dd>
          </div>
          <div>
            <dt>Throttled in the last 10 s</dt>
            <dd>{db.throttledLast10s}</dd>
          </div>
        </dl>
      </section>
      <DatabaseIamPanel database={db} />
      <section className="card section" aria-labelledby="budget-title">
        <h2 id="budget-title">Budget</h2>
        <p className="muted small">
          Lowering the budget below the current rate opens an alarm; rollouts keep their pace under it.
        </p>
        <BudgetForm
          key={`${db.budgetPerSecond}-${db.warningThreshold}`}
          id={db.id}
          budgetPerSecond={db.budgetPerSecond}
          warningThreshold={db.warningThreshold}
        />
      </section>
    </>
  );
}
