import type { DatabaseView } from '@iamroll/contracts';
import { useQuery } from '@tanstack/react-query';
import { BudgetMeter } from '../../../components/BudgetMeter';
import { RateChart } from '../../../components/RateChart';
import { budgetLevel, formatPercent } from '../../../lib/format';
import { Link } from '../../../lib/router';
import { databaseRatesQuery } from '../api/databases-queries';

export function DatabaseCard({ database }: { database: DatabaseView }) {
  const rates = useQuery(databaseRatesQuery(database.id, '5m'));
  const level = budgetLevel(database.ratePerSecond, database.budgetPerSecond, database.warningThreshold);
  const { nodes } = database;
  return (
    <article
      className={`card database-card level-${level}`}
      aria-labelledby={`db-${database.id}`}
      data-testid="database-card"
    >
      <header className="card-header">
        <h2 id={`db-${database.id}`}>
          <Link to={`/databases/${database.id}`}>{database.identifier}</Link>
        </h2>
        <span className={`badge badge-${level === 'ok' ? 'ok' : level}`}>
          {formatPercent(database.utilisation)} of budget
        </span>
      </header>
      <p className="muted small">
        {database.host}:{database.port} · {database.region}
      </p>
      <BudgetMeter
        label={`${database.identifier}: new IAM logins per second against its budget`}
        ratePerSecond={database.ratePerSecond}
        peakPerSecond={database.peakPerSecond}
        budgetPerSecond={database.budgetPerSecond}
        warningThreshold={database.warningThreshold}
      />
      <RateChart
        title={`${database.identifier}, last 5 minutes`}
        points={rates.data?.points ?? []}
        budgetPerSecond={database.budgetPerSecond}
        warningThreshold={database.warningThreshold}
        isShowingPeak={false}
        height={140}
      />
      <dl className="facts">
        <div>
          <dt>Nodes</dt>
          <dd>
            <Link to={`/nodes?databaseId=${database.id}`}>{nodes.total}</Link>
          </dd>
        </div>
        <div>
          <dt>Read-write on IAM</dt>
          <dd>
            {nodes.rw.iam} / {nodes.rw.iam + nodes.rw.password}
          </dd>
        </div>
        <div>
          <dt>Read-only on IAM</dt>
          <dd>
            {nodes.ro.iam} / {nodes.ro.iam + nodes.ro.password}
          </dd>
        </div>
        <div>
          <dt>Throttled (10 s)</dt>
          <dd className={database.throttledLast10s > 0 ? 'text-critical' : undefined}>{database.throttledLast10s}</dd>
        </div>
      </dl>
    </article>
  );
}
