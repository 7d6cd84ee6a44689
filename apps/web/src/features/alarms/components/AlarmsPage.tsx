import { useQuery } from '@tanstack/react-query';
import { Empty, QueryView } from '../../../components/states';
import { setSearch, useLocation } from '../../../lib/router';
import { alarmsQuery, type AlarmStateFilter } from '../api/alarms-queries';
import { AlarmTable } from './AlarmTable';

const STATES: readonly { value: AlarmStateFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

export function AlarmsPage() {
  const { search } = useLocation();
  const state: AlarmStateFilter = STATES.find((item) => item.value === search.get('state'))?.value ?? 'open';
  const query = useQuery(alarmsQuery(state));
  return (
    <>
      <header className="page-header">
        <h1>Alarms</h1>
        <p className="muted">Budget, authentication-failure and silent-node alarms. New ones appear here live.</p>
      </header>
      <div className="segmented" role="group" aria-label="Alarm state">
        {STATES.map((item) => (
          <button
            key={item.value}
            type="button"
            aria-pressed={state === item.value}
            onClick={() => setSearch({ state: item.value === 'open' ? undefined : item.value })}
          >
            {item.label}
          </button>
        ))}
      </div>
      <QueryView
        query={query}
        isEmpty={(data) => data.items.length === 0}
        empty={<Empty>No {state === 'all' ? '' : state} alarms.</Empty>}
      >
        {(data) => (
          <>
            <AlarmTable alarms={data.items} caption={`${state} alarms`} />
            {data.total > data.items.length && (
              <p className="muted small">
                Showing the newest {data.items.length} of {data.total}.
              </p>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}
