import type { NodeSortField, NodeView } from '@iamroll/contracts';
import { useCallback, useMemo, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states';
import { VirtualRows, type RowWindow } from '../../../components/VirtualRows';
import { formatAgo, formatKongRole, formatStage } from '../../../lib/format';
import { Link, setSearch, useLocation } from '../../../lib/router';
import { filtersFromSearch, filtersToSearch, nodeHealth, type NodeFilters } from '../api/node-filters';
import { useNodeRows } from '../hooks/use-node-rows';
import { NodeFiltersBar } from './NodeFiltersBar';

const ROW_HEIGHT = 40;

interface Column {
  readonly label: string;
  readonly sort?: NodeSortField;
  readonly className: string;
}

const COLUMNS: readonly Column[] = [
  { label: 'State', sort: 'status', className: 'c-state' },
  { label: 'Hostname', sort: 'hostname', className: 'c-host' },
  { label: 'Role', sort: 'role', className: 'c-role' },
  { label: 'Kong', sort: 'kongVersion', className: 'c-kong' },
  { label: 'Databases', className: 'c-db' },
  { label: 'Auth (rw / ro)', className: 'c-auth' },
  { label: 'Stage', sort: 'stage', className: 'c-stage' },
  { label: 'Findings', className: 'c-findings' },
  { label: 'Last seen', sort: 'lastSeenAt', className: 'c-seen' },
];

const HEALTH_LABELS: Readonly<Record<ReturnType<typeof nodeHealth>, string>> = {
  stale: 'stale',
  error: 'error',
  alarm: 'alarm',
  degraded: 'degraded',
  ok: 'ok',
  new: 'waiting',
};

function NodeRow({ node, index, hasAlarm }: { node: NodeView | undefined; index: number; hasAlarm: boolean }) {
  if (!node) {
    return (
      <div role="row" aria-rowindex={index + 2} className="vrow placeholder" style={{ height: ROW_HEIGHT }}>
        <div role="cell" className="c-all muted">
          Loading…
        </div>
      </div>
    );
  }
  const health = nodeHealth(node, hasAlarm);
  const databases = [node.rwDatabase?.identifier, node.roDatabase?.identifier].filter(Boolean);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`vrow health-${health}`}
      style={{ height: ROW_HEIGHT }}
      data-testid="node-row"
    >
      <div role="cell" className="c-state">
        <span className={`dot dot-${health}`} aria-hidden="true" />
        {HEALTH_LABELS[health]}
      </div>
      <div role="cell" className="c-host">
        <Link to={`/nodes/${node.id}`}>{node.hostname}</Link>
      </div>
      <div role="cell" className="c-role">
        {formatKongRole(node.role)}
      </div>
      <div role="cell" className="c-kong">
        {node.kongVersion ?? '—'}
      </div>
      <div role="cell" className="c-db">
        {databases.length ? [...new Set(databases)].join(', ') : node.isIamApplicable ? 'unmatched' : 'n/a'}
      </div>
      <div role="cell" className="c-auth">
        {node.isIamApplicable ? `${node.rwAuthMode} / ${node.roAuthMode ?? '—'}` : 'not applicable'}
      </div>
      <div role="cell" className="c-stage">
        {formatStage(node.stage)}
        {node.desiredStage !== node.stage && <span className="muted"> → {formatStage(node.desiredStage)}</span>}
      </div>
      <div role="cell" className="c-findings">
        {node.findingCounts.error > 0 && <span className="badge badge-critical">{node.findingCounts.error} err</span>}
        {node.findingCounts.warning > 0 && (
          <span className="badge badge-warning">{node.findingCounts.warning} warn</span>
        )}
        {node.findingCounts.error + node.findingCounts.warning === 0 && <span className="muted">none</span>}
      </div>
      <div role="cell" className="c-seen">
        {formatAgo(node.lastSeenAt)}
      </div>
    </div>
  );
}

export function NodesPage() {
  const location = useLocation();
  const filters = useMemo(() => filtersFromSearch(location.search), [location.search]);
  const [window, setWindow] = useState<RowWindow>({ start: 0, end: 50 });
  const rows = useNodeRows(filters, window);
  const onFiltersChange = useCallback((next: NodeFilters) => setSearch(filtersToSearch(next)), []);
  const onWindowChange = useCallback((next: RowWindow) => setWindow(next), []);
  const sortBy = (field: NodeSortField) =>
    onFiltersChange({
      ...filters,
      sort: field,
      order: filters.sort === field && filters.order === 'asc' ? 'desc' : 'asc',
    });
  const renderRow = (index: number) => (
    <NodeRow
      key={index}
      index={index}
      node={rows.rowAt(index)}
      hasAlarm={rows.alarmed.has(rows.rowAt(index)?.id ?? '')}
    />
  );
  return (
    <>
      <header className="page-header">
        <h1>Nodes</h1>
        <p className="muted" aria-live="polite" data-testid="node-total">
          {rows.isPending ? 'Counting…' : `${rows.total.toLocaleString()} ${rows.total === 1 ? 'node' : 'nodes'}`}
          {rows.isFetching && !rows.isPending ? ' · refreshing' : ''}
        </p>
      </header>
      <NodeFiltersBar filters={filters} onChange={onFiltersChange} />
      {rows.error ? (
        <ErrorState error={rows.error} onRetry={rows.refetch} />
      ) : rows.isPending ? (
        <Loading label="Loading nodes…" />
      ) : rows.rowCount === 0 ? (
        <Empty>
          No node matches. Nodes appear once their agent enrolls with an enrollment token (Admin → Enrollment tokens).
        </Empty>
      ) : (
        <div className="vtable" role="table" aria-label="Nodes" aria-rowcount={rows.rowCount + 1}>
          <div role="rowgroup">
            <div role="row" aria-rowindex={1} className="vrow vhead">
              {COLUMNS.map((column) => {
                const isSorted = column.sort !== undefined && filters.sort === column.sort;
                return (
                  <div
                    key={column.label}
                    role="columnheader"
                    className={column.className}
                    aria-sort={isSorted ? (filters.order === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    {column.sort ? (
                      <button type="button" className="sort-button" onClick={() => sortBy(column.sort!)}>
                        {column.label}
                        <span aria-hidden="true">{isSorted ? (filters.order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                      </button>
                    ) : (
                      column.label
                    )}
                  </div>
                );
              })}
            </div>
          </div>
          <VirtualRows
            className="vbody"
            rowCount={rows.rowCount}
            rowHeight={ROW_HEIGHT}
            renderRow={renderRow}
            onWindowChange={onWindowChange}
          />
        </div>
      )}
    </>
  );
}
