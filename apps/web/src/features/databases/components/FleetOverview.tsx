import { useQuery } from '@tanstack/react-query';
import { Empty, ErrorState, Loading } from '../../../components/states';
import { AlarmTable } from '../../alarms/components/AlarmTable';
import { unresolvedAlarmsQuery } from '../../alarms/api/alarms-queries';
import { useCan } from '../../auth/hooks/use-session';
import { databasesQuery } from '../api/databases-queries';
import { ActiveRollout } from '../../rollouts/components/ActiveRollout';
import { AddDatabaseForm } from './AddDatabaseForm';
import { DatabaseCard } from './DatabaseCard';

export function FleetOverview() {
  const databases = useQuery(databasesQuery());
  const alarms = useQuery(unresolvedAlarmsQuery());
  const isAdmin = useCan('admin');
  const openAlarms = alarms.data?.filter((alarm) => alarm.state === 'open') ?? [];
  return (
    <>
      <header className="page-header">
        <h1>Fleet overview</h1>
        <p className="muted">
          New IAM logins per second against each database&apos;s budget (RDS admits about 200 a second).
        </p>
      </header>
      <section aria-labelledby="alarms-title" className="section">
        <h2 id="alarms-title">
          Open alarms{' '}
          <span className="count" data-testid="open-alarm-count">
            {alarms.data ? openAlarms.length : '…'}
          </span>
        </h2>
        {alarms.isPending ? (
          <Loading label="Loading alarms…" />
        ) : alarms.isError ? (
          <ErrorState error={alarms.error} onRetry={() => void alarms.refetch()} />
        ) : openAlarms.length === 0 ? (
          <Empty>No open alarms. All databases are within budget and every node is reporting.</Empty>
        ) : (
          <AlarmTable alarms={openAlarms} caption="Open alarms" />
        )}
      </section>
      <section aria-labelledby="databases-title" className="section">
        <div className="section-head">
          <h2 id="databases-title">Databases</h2>
          {isAdmin && <AddDatabaseForm />}
        </div>
        {databases.isPending ? (
          <Loading label="Loading databases…" />
        ) : databases.isError ? (
          <ErrorState error={databases.error} onRetry={() => void databases.refetch()} />
        ) : databases.data.items.length === 0 ? (
          <Empty>
            No database is registered yet. An admin adds one here (or with <code>POST /api/v1/databases</code>, see{' '}
            <a href="/docs">/docs</a>); nodes are matched to it by the host and port of their pg_host / pg_ro_host.
          </Empty>
        ) : (
          <div className="card-grid">
            {databases.data.items.map((database) => (
              <DatabaseCard key={database.id} database={database} />
            ))}
          </div>
        )}
      </section>
      <section aria-labelledby="rollout-title" className="section">
        <h2 id="rollout-title">Rollout in progress</h2>
        <ActiveRollout />
      </section>
    </>
  );
}
