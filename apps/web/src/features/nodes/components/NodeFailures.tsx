import type { NodeFailurePoint } from '@iamroll/contracts';
import { useMemo } from 'react';
import { SeriesChart, type ChartSeries } from '../../../components/SeriesChart';

type Cause = Exclude<keyof NodeFailurePoint, 't'>;

/** The causes the agent tells apart, with what each one usually means on RDS. */
const CAUSES: readonly { cause: Cause; label: string; color: string; meaning: string }[] = [
  { cause: 'invalidToken', label: 'invalid token', color: '#b91c1c', meaning: 'signature, clock or region' },
  { cause: 'notAuthorized', label: 'not authorized', color: '#7c3aed', meaning: 'IAM policy or rds_iam grant' },
  { cause: 'throttled', label: 'throttled', color: '#b45309', meaning: 'over what RDS admits' },
  { cause: 'other', label: 'other', color: '#475569', meaning: 'network, TLS, database' },
];

/** A node's failed logins over the last five minutes, one line per cause, with the totals in words. */
export function NodeFailures({ hostname, failures }: { hostname: string; failures: readonly NodeFailurePoint[] }) {
  const times = useMemo(() => failures.map((point) => point.t), [failures]);
  const series = useMemo<ChartSeries[]>(
    () => CAUSES.map(({ cause, label, color }) => ({ label, color, values: failures.map((point) => point[cause]) })),
    [failures],
  );
  const totals = CAUSES.map(({ cause, label, meaning }) => ({
    label,
    meaning,
    total: failures.reduce((sum, point) => sum + point[cause], 0),
  }));
  return (
    <>
      <SeriesChart title={`${hostname} failed logins by cause`} times={times} series={series} />
      <ul className="inline-list small" data-testid="node-failure-totals">
        {totals.map(({ label, meaning, total }) => (
          <li key={label} className={total > 0 ? 'text-critical' : 'muted'}>
            <strong>{total}</strong> {label} <span className="muted">({meaning})</span>
          </li>
        ))}
      </ul>
    </>
  );
}
