import type { KongNodeRole, NodeQuantity, RolloutPhase, RolloutScope } from './types';

// Field readers for normaliseRolloutSpec: each returns a value or pushes an error naming
// the field (the API answers 400 with these), never throws.

export interface SpecError {
  readonly field: string;
  readonly message: string;
}

export type Errors = SpecError[];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readNumber(
  errors: Errors,
  field: string,
  value: unknown,
  fallback: number,
  range: {
    readonly min: number;
    readonly max: number;
    readonly isMinExclusive?: boolean;
    readonly isInteger?: boolean;
  },
): number {
  if (value === undefined) return fallback;
  const isBelow = typeof value === 'number' && (range.isMinExclusive ? value <= range.min : value < range.min);
  if (typeof value !== 'number' || !Number.isFinite(value) || isBelow || value > range.max) {
    const low = range.isMinExclusive ? `above ${range.min}` : `at least ${range.min}`;
    errors.push({ field, message: `must be a number ${low} and at most ${range.max}` });
    return fallback;
  }
  if (range.isInteger && !Number.isInteger(value)) {
    errors.push({ field, message: 'must be a whole number' });
    return fallback;
  }
  return value;
}

/** A count (whole number), a share ({"share": 0.1}) or a percentage string ("10%"). */
export function readQuantity(
  errors: Errors,
  field: string,
  value: unknown,
  fallback: NodeQuantity,
  minCount: number,
): NodeQuantity {
  if (value === undefined) return fallback;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= minCount) return { kind: 'count', count: value };
    errors.push({ field, message: `a count must be a whole number of at least ${minCount}` });
    return fallback;
  }
  const share =
    typeof value === 'string' && /^\d+(\.\d+)?%$/.test(value)
      ? Number(value.slice(0, -1)) / 100
      : isRecord(value) && typeof value.share === 'number'
        ? value.share
        : isRecord(value) && typeof value.count === 'number'
          ? null
          : Number.NaN;
  if (share === null) return readQuantity(errors, field, (value as { count: number }).count, fallback, minCount);
  if (Number.isFinite(share) && share > 0 && share <= 1) return { kind: 'share', share };
  errors.push({ field, message: 'must be a count, {"share": 0 < s ≤ 1} or a percentage like "25%"' });
  return fallback;
}

export function readPhases(errors: Errors, value: unknown): RolloutPhase[] {
  if (value === undefined) return ['ro_iam', 'rw_iam'];
  const isValid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((phase) => phase === 'ro_iam' || phase === 'rw_iam') &&
    new Set(value).size === value.length &&
    !(value[0] === 'rw_iam' && value.length > 1);
  if (isValid) return value as RolloutPhase[];
  errors.push({ field: 'phases', message: 'must be ["ro_iam", "rw_iam"], ["ro_iam"] or ["rw_iam"] (read-only first)' });
  return ['ro_iam', 'rw_iam'];
}

const ROLES: readonly KongNodeRole[] = ['traditional', 'control_plane', 'data_plane'];

function readStrings(errors: Errors, field: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item.length > 0))
    return value as string[];
  errors.push({ field, message: 'must be a list of non-empty strings' });
  return undefined;
}

export function readScope(errors: Errors, value: unknown): RolloutScope {
  const none: RolloutScope = { kind: 'selector', selector: { nodeIds: [] } };
  if (!isRecord(value)) {
    errors.push({ field: 'scope', message: 'is required: {"databaseId": "…"} or a node selector' });
    return none;
  }
  if (value.databaseId !== undefined) {
    if (typeof value.databaseId === 'string' && value.databaseId.length > 0)
      return { kind: 'database', databaseId: value.databaseId };
    errors.push({ field: 'scope.databaseId', message: 'must be a non-empty string' });
    return none;
  }
  const selector: {
    nodeIds?: string[];
    roles?: KongNodeRole[];
    kongVersions?: string[];
    labels?: Record<string, string>;
  } = {};
  const nodeIds = readStrings(errors, 'scope.nodeIds', value.nodeIds);
  if (nodeIds) selector.nodeIds = nodeIds;
  const roles = readStrings(errors, 'scope.roles', value.roles);
  if (roles?.some((role) => !ROLES.includes(role as KongNodeRole)))
    errors.push({ field: 'scope.roles', message: `each must be one of ${ROLES.join(', ')}` });
  else if (roles) selector.roles = roles as KongNodeRole[];
  const versions = readStrings(errors, 'scope.kongVersions', value.kongVersions);
  if (versions) selector.kongVersions = versions;
  if (value.labels !== undefined) {
    if (isRecord(value.labels) && Object.values(value.labels).every((label) => typeof label === 'string'))
      selector.labels = value.labels as Record<string, string>;
    else errors.push({ field: 'scope.labels', message: 'must be an object of string values' });
  }
  if (Object.keys(selector).length === 0)
    errors.push({
      field: 'scope',
      message: 'needs databaseId or at least one of nodeIds, roles, kongVersions, labels',
    });
  return { kind: 'selector', selector };
}
