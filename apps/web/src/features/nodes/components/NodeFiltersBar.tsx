import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { databasesQuery } from '../../databases/api/databases-queries';
import type { NodeFilters } from '../api/node-filters';

interface Props {
  readonly filters: NodeFilters;
  readonly onChange: (filters: NodeFilters) => void;
}

function Select({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">Any</option>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  );
}

export function NodeFiltersBar({ filters, onChange }: Props) {
  const databases = useQuery(databasesQuery());
  const [text, setText] = useState(filters.q);
  // Typing is debounced: one request per pause, not per key.
  useEffect(() => {
    if (text === filters.q) return;
    const timer = setTimeout(() => onChange({ ...filters, q: text }), 250);
    return () => clearTimeout(timer);
  }, [text, filters, onChange]);
  const set = (patch: Partial<NodeFilters>) => onChange({ ...filters, ...patch });
  const isFiltered =
    filters.q ||
    filters.databaseId ||
    filters.role ||
    filters.stage ||
    filters.status ||
    filters.rwAuthMode ||
    filters.roAuthMode ||
    filters.alarm;
  return (
    <form className="filters" role="search" aria-label="Filter nodes" onSubmit={(event) => event.preventDefault()}>
      <div className="field grow">
        <label htmlFor="filter-q">Search</label>
        <input
          id="filter-q"
          type="search"
          placeholder="Hostname or node id"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </div>
      <Select
        id="filter-db"
        label="Database"
        value={filters.databaseId}
        options={(databases.data?.items ?? []).map((database) => [database.id, database.identifier] as const)}
        onChange={(databaseId) => set({ databaseId })}
      />
      <Select
        id="filter-role"
        label="Role"
        value={filters.role}
        options={[
          ['traditional', 'Traditional'],
          ['control_plane', 'Control plane'],
          ['data_plane', 'Data plane'],
        ]}
        onChange={(role) => set({ role: role as NodeFilters['role'] })}
      />
      <Select
        id="filter-stage"
        label="Stage"
        value={filters.stage}
        options={[
          ['password', 'Passwords'],
          ['ro_iam', 'Read-only on IAM'],
          ['rw_iam', 'Both on IAM'],
        ]}
        onChange={(stage) => set({ stage: stage as NodeFilters['stage'] })}
      />
      <Select
        id="filter-rw"
        label="Read-write auth"
        value={filters.rwAuthMode}
        options={[
          ['password', 'Password'],
          ['iam', 'IAM'],
        ]}
        onChange={(rwAuthMode) => set({ rwAuthMode: rwAuthMode as NodeFilters['rwAuthMode'] })}
      />
      <Select
        id="filter-ro"
        label="Read-only auth"
        value={filters.roAuthMode}
        options={[
          ['password', 'Password'],
          ['iam', 'IAM'],
          ['none', 'No read-only connection'],
        ]}
        onChange={(roAuthMode) => set({ roAuthMode: roAuthMode as NodeFilters['roAuthMode'] })}
      />
      <Select
        id="filter-status"
        label="Status"
        value={filters.status}
        options={[
          ['ok', 'OK'],
          ['degraded', 'Degraded'],
          ['error', 'Error'],
          ['stale', 'Stale (silent)'],
        ]}
        onChange={(status) => set({ status: status as NodeFilters['status'] })}
      />
      <Select
        id="filter-alarm"
        label="Alarm"
        value={filters.alarm}
        options={[
          ['yes', 'With an alarm'],
          ['no', 'Without'],
        ]}
        onChange={(alarm) => set({ alarm: alarm as NodeFilters['alarm'] })}
      />
      {isFiltered && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setText('');
            onChange({
              ...filters,
              q: '',
              databaseId: '',
              role: '',
              stage: '',
              status: '',
              rwAuthMode: '',
              roAuthMode: '',
              alarm: '',
            });
          }}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
