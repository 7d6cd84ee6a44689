import type { AlarmView } from '@iamroll/contracts';
import { RoleButton } from '../../../components/states';
import { formatAgo, formatTime } from '../../../lib/format';
import { Link } from '../../../lib/router';
import { useCan } from '../../auth/hooks/use-session';
import { useAcknowledgeAlarm } from '../hooks/use-acknowledge';

function subjectLink(alarm: AlarmView) {
  if (!alarm.subjectId) return alarm.subjectType;
  if (alarm.subjectType === 'node') return <Link to={`/nodes/${alarm.subjectId}`}>node</Link>;
  if (alarm.subjectType === 'database') return <Link to={`/databases/${alarm.subjectId}`}>database</Link>;
  return alarm.subjectType;
}

export function AlarmTable({ alarms, caption }: { alarms: readonly AlarmView[]; caption: string }) {
  const canAcknowledge = useCan('operator');
  const acknowledge = useAcknowledgeAlarm();
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Alarm</th>
            <th scope="col">About</th>
            <th scope="col">Opened</th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {alarms.map((alarm) => (
            <tr key={alarm.id} data-testid="alarm-row" className={`alarm-${alarm.severity}`}>
              <td>
                <span className={`badge badge-${alarm.severity}`}>{alarm.severity}</span>
              </td>
              <td>
                <strong>{alarm.kind}</strong>
                <div>{alarm.message}</div>
              </td>
              <td>{subjectLink(alarm)}</td>
              <td title={formatTime(alarm.openedAt)}>{formatAgo(alarm.openedAt)}</td>
              <td>
                {alarm.state}
                {alarm.acknowledgedBy && <div className="muted small">by {alarm.acknowledgedBy}</div>}
              </td>
              <td>
                {alarm.state === 'open' && (
                  <RoleButton
                    isAllowed={canAcknowledge}
                    neededRole="operator"
                    disabled={acknowledge.isPending && acknowledge.variables?.id === alarm.id}
                    onClick={() => acknowledge.mutate({ id: alarm.id })}
                    aria-label={`Acknowledge ${alarm.kind}: ${alarm.message}`}
                  >
                    Acknowledge
                  </RoleButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {acknowledge.error && (
        <p className="error-text" role="alert">
          {acknowledge.error.message}
        </p>
      )}
    </div>
  );
}
