import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { databasesQuery } from '../../databases/api/databases-queries';
import type { NodeFilters } from '../api/node-filters';

interface Props {
  readonly filters: NodeFilters;
  readonly onChange: (filters: NodeFilters) => void;
}

type SelectFilter = 'databaseId' | 'role' | 'stage' | 'rwAuthMode' | 'roAuthMode' | 'status' | 'alarm';
type Options = readonly (readonly [string, string])[];

/** The table's select filters, in the bar's order; "Any" (empty) is always the first choice. */
const SELECTS: readonly { key: SelectFilter; id: string; label: string; options: Options | 'databases' }[] = [
  { key: 'databaseId', id: 'filter-db', label: 'Database', options: 'databases' },
  {
    key: 'role',
    id: 'filter-role',
    label: 'Role',
    options: [
      ['traditional', 'Traditional'],
      ['control_plane', 'Control plane'],
      ['data_plane', 'Data plane'],
    ],
  },
  {
    key: 'stage',
    id: 'filter-stage',
    label: 'Stage',
    options: [
      ['password', 'Passwords'],
      ['ro_iam', 'Read-only on IAM'],
      ['rw_iam', 'Both on IAM'],
    ],
  },
  {
    key: 'rwAuthMode',
    id: 'filter-rw',
    label: 'Read-write auth',
    options: [
      ['password', 'Password'],
      ['iam', 'IAM'],
    ],
  },
  {
    key: 'roAuthMode',
    id: 'filter-ro',
    label: 'Read-only auth',
    options: [
      ['password', 'Password'],
      ['iam', 'IAM'],
      ['none', 'No read-only connection'],
    ],
  },
  {
    key: 'status',
    id: 'filter-status',
    label: 'Status',
    options: [
      ['ok', 'OK'],
      ['degraded', 'Degraded'],
      ['error', 'Error'],
      ['stale', 'Stale (silent)'],
    ],
  },
  {
    key: 'alarm',
    id: 'filter-alarm',
    label: 'Alarm',
    options: [
      ['yes', 'With an alarm'],
      ['no', 'Without'],
    ],
  },
];

const CLEARED = Object.fromEntries([['q', ''], ...SELECTS.map(({ key }) => [key, ''])]) as Pick<
  NodeFilters,
  'q' | SelectFilter
>;

export function NodeFiltersBar({ filters, onChange }: Props) {
  const databases = useQuery(databasesQuery());
  const [text, setText] = useState(filters.q);
  // Typing is debounced: one request per pause, not per key.
  useEffect(() => {
    if (text === filters.q) return;
    const timer = setTimeout(() => onChange({ ...filters, q: text }), 250);
    return () => clearTimeout(timer);
  }, [text, filters, onChange]);
  const databaseOptions: Options = (databases.data?.items ?? []).map((database) => [database.id, database.identifier]);
  const isFiltered = filters.q !== '' || SELECTS.some(({ key }) => filters[key] !== '');
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
      {SELECTS.map(({ key, id, label, options }) => (
        <div className="field" key={key}>
          <label htmlFor={id}>{label}</label>
          <select
            id={id}
            value={filters[key]}
            // The options come from this table, so the value is one of the filter's own.
            onChange={(event) => onChange({ ...filters, [key]: event.target.value })}
          >
            <option value="">Any</option>
            {(options === 'databases' ? databaseOptions : options).map(([value, optionLabel]) => (
              <option key={value} value={value}>
                {optionLabel}
              </option>
            ))}
          </select>
        </div>
      ))}
      {isFiltered && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setText('');
            onChange({ ...filters, ...CLEARED });
          }}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
