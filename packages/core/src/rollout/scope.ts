import { burstByDatabase } from './burst';
import { databaseIamBlock } from './preflight-gate';
import { KONG_ASSUME_ROLE_MIN_VERSION, KONG_IAM_MIN_VERSION } from './defaults';
import type { DatabaseObservation, NodeObservation, RolloutObservations } from './observations';
import type { CurrentIamStage, NodeSelector, RolloutPhase, RolloutScope, RolloutSpec } from './types';

// Which nodes a phase switches, which it skips (IAM irrelevant or nothing to do) and which
// it cannot switch (blocked), each with the reason an operator reads on the dashboard.

export interface ScopeVerdict {
  readonly nodeId: string;
  readonly state: 'waiting' | 'skipped' | 'blocked';
  readonly fromStage: CurrentIamStage;
  readonly toStage: CurrentIamStage;
  readonly reason: string | null;
  readonly burstByDatabase: Readonly<Record<string, number>>;
  /** Blocked by preflight or a database with IAM disabled: the block lifts when that changes. */
  readonly blockedBy?: 'preflight' | 'database-iam';
}

/** "3.4.3.12-enterprise" → [3, 4, 3, 12]; null when there is no leading number. */
export function parseKongVersion(version: string): number[] | null {
  const match = /^\s*v?(\d+(?:\.\d+)*)/.exec(version);
  return match?.[1] !== undefined ? match[1].split('.').map(Number) : null;
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function matchesVersionPrefix(version: string | null, prefix: string): boolean {
  return (
    version !== null && (version === prefix || version.startsWith(`${prefix}.`) || version.startsWith(`${prefix}-`))
  );
}

function matchesSelector(selector: NodeSelector, node: NodeObservation): boolean {
  if (selector.nodeIds && !selector.nodeIds.includes(node.nodeId)) return false;
  if (selector.roles && !selector.roles.includes(node.role)) return false;
  if (selector.kongVersions && !selector.kongVersions.some((v) => matchesVersionPrefix(node.kongVersion, v)))
    return false;
  return Object.entries(selector.labels ?? {}).every(([key, value]) => node.labels[key] === value);
}

/** A database scope holds every node whose effective read-write or read-only connection targets it. */
export function isInScope(scope: RolloutScope, node: NodeObservation): boolean {
  if (scope.kind === 'selector') return matchesSelector(scope.selector, node);
  return (
    node.rwDatabaseId === scope.databaseId || (node.hasReadOnlyConnection && node.roDatabaseId === scope.databaseId)
  );
}

type Target = { readonly toStage: CurrentIamStage } | { readonly skipReason: string };

function targetFor(node: NodeObservation, phase: RolloutPhase): Target {
  if (phase === 'ro_iam') {
    // A mixed node (rw on IAM, ro on passwords, where Kong's docs lead: pg_ro_iam_auth does
    // not inherit pg_iam_auth) moves forward to rw_iam: ro_iam would turn its rw IAM off.
    if (node.stage === 'rw_iam_ro_password') return { toStage: 'rw_iam' };
    if (node.stage !== 'password') return { skipReason: `already on ${node.stage}` };
    if (!node.hasReadOnlyConnection)
      return { skipReason: 'no pg_ro_host: Kong opens no separate read-only connection, nothing to switch' };
    return { toStage: 'ro_iam' };
  }
  if (node.stage === 'rw_iam') return { skipReason: 'already on rw_iam' };
  return { toStage: 'rw_iam' };
}

function versionBlock(spec: RolloutSpec, node: NodeObservation): string | null {
  const version = node.kongVersion === null ? null : parseKongVersion(node.kongVersion);
  if (version === null) return 'Kong version unknown: its agent has not reported one';
  if (compareVersions(version, parseKongVersion(KONG_IAM_MIN_VERSION) ?? []) < 0)
    return `Kong ${node.kongVersion ?? ''} has no IAM database authentication (pg_iam_auth arrived in ${KONG_IAM_MIN_VERSION})`;
  const needsAssumeRole = spec.needsAssumeRole || node.usesAssumeRole;
  if (needsAssumeRole && compareVersions(version, parseKongVersion(KONG_ASSUME_ROLE_MIN_VERSION) ?? []) < 0)
    return `Kong ${node.kongVersion ?? ''} has no assume-role settings (pg_iam_auth_assume_role_arn arrived in ${KONG_ASSUME_ROLE_MIN_VERSION})`;
  return null;
}

function preflightBlock(
  spec: RolloutSpec,
  node: NodeObservation,
  toStage: CurrentIamStage,
  nowMs: number,
): string | null {
  if (node.preflightOverride !== undefined) return null;
  const verdict = node.preflight?.find((candidate) => candidate.stage === toStage);
  if (verdict === undefined) return null;
  if (!verdict.isPassed) return `preflight for ${toStage} failed: ${verdict.reason ?? 'no reason given'}`;
  const ageSeconds = (nowMs - verdict.checkedAtMs) / 1000;
  // An agent that answers preflight is asked for a fresh verdict at switch time (preflight-gate.ts).
  if (ageSeconds > spec.preflightMaxAgeSeconds && node.isPreflightCapable !== true)
    return `preflight for ${toStage} is ${Math.round(ageSeconds)} s old (more than ${spec.preflightMaxAgeSeconds} s): run it again`;
  return null;
}

function budgetBlock(
  burst: Readonly<Record<string, number>>,
  databases: readonly DatabaseObservation[],
): string | null {
  for (const [databaseId, perSecond] of Object.entries(burst)) {
    const database = databases.find((candidate) => candidate.databaseId === databaseId);
    if (database === undefined)
      return `database ${databaseId} has no budget observation, so its logins cannot be paced`;
    // Above the hard budget RDS throttles even with nothing else running: switching would
    // fail its own logins. Fewer workers, a smaller pool or RDS Proxy are the ways out.
    if (perSecond > database.budgetPerSecond)
      return `its expected burst of ${perSecond}/s on ${databaseId} exceeds the database's whole IAM budget (${database.budgetPerSecond}/s): lower workers × pool size or put RDS Proxy in front`;
  }
  return null;
}

export interface ResolveContext {
  readonly nowMs: number;
  /** Nodes whose read-only connection is not on IAM may still enter rw_iam (admin override). */
  readonly isRoBeforeRwOverridden: boolean;
}

/** One node's verdict for one phase (the node is already known to be in scope). */
export function resolveNode(
  spec: RolloutSpec,
  node: NodeObservation,
  phase: RolloutPhase,
  databases: readonly DatabaseObservation[],
  context: ResolveContext,
): ScopeVerdict {
  const fromStage = node.stage;
  const verdict = (
    state: ScopeVerdict['state'],
    toStage: CurrentIamStage,
    reason: string | null,
    burst = {},
    blockedBy?: ScopeVerdict['blockedBy'],
  ): ScopeVerdict => ({
    nodeId: node.nodeId,
    state,
    fromStage,
    toStage,
    reason,
    burstByDatabase: burst,
    ...(blockedBy ? { blockedBy } : {}),
  });
  if (node.role === 'data_plane')
    return verdict('skipped', fromStage, 'role = data_plane: data planes never connect to PostgreSQL');
  if (node.isDatabaseOff)
    return verdict('skipped', fromStage, 'database = off: a DB-less node never connects to PostgreSQL');
  const target = targetFor(node, phase);
  if ('skipReason' in target) return verdict('skipped', fromStage, target.skipReason);
  const { toStage } = target;
  const isRoBehind = phase === 'rw_iam' && spec.phases.includes('ro_iam') && node.stage === 'password';
  if (isRoBehind && node.hasReadOnlyConnection && !context.isRoBeforeRwOverridden)
    return verdict('blocked', toStage, 'its read-only connection is not on IAM yet: read-only goes first');
  const versionReason = versionBlock(spec, node);
  if (versionReason !== null) return verdict('blocked', toStage, versionReason);
  const iamDisabled = databaseIamBlock(node, toStage, databases);
  if (iamDisabled !== null) return verdict('blocked', toStage, iamDisabled, {}, 'database-iam');
  const preflightReason = preflightBlock(spec, node, toStage, context.nowMs);
  if (preflightReason !== null) return verdict('blocked', toStage, preflightReason, {}, 'preflight');
  const burst = burstByDatabase(node, toStage);
  if (!burst.isKnown) return verdict('blocked', toStage, burst.reason);
  const overBudget = budgetBlock(burst.byDatabase, databases);
  if (overBudget !== null) return verdict('blocked', toStage, overBudget, burst.byDatabase);
  const mixedNote =
    node.stage === 'rw_iam_ro_password' ? 'mixed: rw on IAM, ro on passwords; moves forward to rw_iam' : null;
  return verdict('waiting', toStage, mixedNote, burst.byDatabase);
}

/** Every in-scope node's verdict for `phase`, in node id order (the order waves take them). */
export function resolveScope(
  spec: RolloutSpec,
  observations: RolloutObservations,
  phase: RolloutPhase,
  context: ResolveContext,
): ScopeVerdict[] {
  return observations.nodes
    .filter((node) => isInScope(spec.scope, node))
    .map((node) => resolveNode(spec, node, phase, observations.databases, context))
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
}
