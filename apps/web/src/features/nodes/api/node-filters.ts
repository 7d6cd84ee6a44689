import type {
  AlarmView,
  AuthMode,
  KongRole,
  NodeSortField,
  NodeStage,
  NodeStatusFilter,
  NodeView,
} from '@iamroll/contracts';
import type { NodesServerFilter } from './nodes-queries';

// The nodes table's filters as they live in the URL. Every one goes to the API
// (GET /api/v1/nodes filters and sorts; the browser only pages).

export interface NodeFilters {
  readonly q: string;
  readonly databaseId: string;
  readonly role: KongRole | '';
  readonly stage: NodeStage | '';
  readonly status: NodeStatusFilter | '';
  readonly rwAuthMode: AuthMode | '';
  readonly roAuthMode: AuthMode | 'none' | '';
  readonly alarm: 'yes' | 'no' | '';
  readonly sort: NodeSortField;
  readonly order: 'asc' | 'desc';
}

const ROLES: readonly string[] = ['traditional', 'control_plane', 'data_plane'];
const STAGES: readonly string[] = ['password', 'ro_iam', 'rw_iam'];
const STATUSES: readonly string[] = ['ok', 'degraded', 'error', 'stale'];
const AUTH_MODES: readonly string[] = ['password', 'iam'];
const SORTS: readonly string[] = ['hostname', 'lastSeenAt', 'stage', 'status', 'role', 'kongVersion', 'createdAt'];

function pick<T extends string>(value: string | null, allowed: readonly string[], fallback: T): T {
  return value !== null && allowed.includes(value) ? (value as T) : fallback;
}

export function filtersFromSearch(search: URLSearchParams): NodeFilters {
  return {
    q: search.get('q') ?? '',
    databaseId: search.get('databaseId') ?? '',
    role: pick(search.get('role'), ROLES, ''),
    stage: pick(search.get('stage'), STAGES, ''),
    status: pick(search.get('status'), STATUSES, ''),
    rwAuthMode: pick(search.get('rw'), AUTH_MODES, ''),
    roAuthMode: pick(search.get('ro'), [...AUTH_MODES, 'none'], ''),
    alarm: pick(search.get('alarm'), ['yes', 'no'], ''),
    sort: pick(search.get('sort'), SORTS, 'hostname'),
    order: pick(search.get('order'), ['asc', 'desc'], 'asc'),
  };
}

/** The URL's query parameters for these filters (defaults left out). */
export function filtersToSearch(filters: NodeFilters): Record<string, string | undefined> {
  return {
    q: filters.q || undefined,
    databaseId: filters.databaseId || undefined,
    role: filters.role || undefined,
    stage: filters.stage || undefined,
    status: filters.status || undefined,
    rw: filters.rwAuthMode || undefined,
    ro: filters.roAuthMode || undefined,
    alarm: filters.alarm || undefined,
    sort: filters.sort === 'hostname' ? undefined : filters.sort,
    order: filters.order === 'asc' ? undefined : filters.order,
  };
}

export function serverFilter(filters: NodeFilters): NodesServerFilter {
  const trimmed = filters.q.trim();
  return {
    sort: filters.sort,
    order: filters.order,
    ...(trimmed ? { q: trimmed } : {}),
    ...(filters.databaseId ? { databaseId: filters.databaseId } : {}),
    ...(filters.role ? { role: filters.role } : {}),
    ...(filters.stage ? { stage: filters.stage } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.rwAuthMode ? { rwAuthMode: filters.rwAuthMode } : {}),
    ...(filters.roAuthMode ? { roAuthMode: filters.roAuthMode } : {}),
    ...(filters.alarm ? { hasAlarm: filters.alarm === 'yes' } : {}),
  };
}

/** Node ids with an unresolved alarm about them (the row's "alarm" state). */
export function alarmedNodeIds(alarms: readonly AlarmView[] | undefined): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const alarm of alarms ?? []) if (alarm.subjectType === 'node' && alarm.subjectId) ids.add(alarm.subjectId);
  return ids;
}

/** One word for the row's state at a glance, most urgent first. */
export function nodeHealth(node: NodeView, hasAlarm: boolean): 'stale' | 'error' | 'alarm' | 'degraded' | 'ok' | 'new' {
  if (node.isStale) return 'stale';
  if (node.status === 'error' || node.transition === 'failed') return 'error';
  if (hasAlarm) return 'alarm';
  if (node.status === 'degraded') return 'degraded';
  if (node.status === null) return 'new';
  return 'ok';
}
