import { burstByDatabase, iamKindsAt } from './burst';
import { DEFAULT_PREFLIGHT_WAIT_SECONDS } from './defaults';
import type { DatabaseObservation, NodeObservation, RolloutObservations } from './observations';
import { addInto, inFlightByDatabase } from './pacing';
import { pacedDatabases } from './pacing-seconds';
import type { CurrentIamStage, IamStage, RolloutNodeRecord, RolloutPhase, RolloutSpec, RolloutState } from './types';

// Preflight as the engine obeys it (issue 12). At the moment a node would be switched:
//  - a database its switch logs in to has IAM database authentication disabled
//    (DescribeDBInstances said `iam_disabled`): blocked, with the fix; no override;
//  - an admin override: go;
//  - a verdict for the target stage that failed: blocked with the failing checks;
//  - a passing verdict no older than preflightMaxAgeSeconds: go;
//  - an agent that answers preflight requests (capability `preflight`) without a fresh verdict:
//    the node waits while the reconciler asks for one (preflightRequests, paced), and is
//    blocked if none arrives within preflightWaitSeconds of the request;
//  - an agent without the capability (older agents, scripted ones) cannot be asked: a missing
//    verdict does not gate it (only a reported failure or a too old verdict does), so upgrading
//    the controller never freezes a fleet whose agents predate preflight.

export type PreflightGate =
  | { readonly kind: 'go' }
  | { readonly kind: 'block'; readonly reason: string; readonly blockedBy: 'preflight' | 'database-iam' }
  | { readonly kind: 'await'; readonly reason: string; readonly needsRequest: boolean };

const GO: PreflightGate = { kind: 'go' };

/** The stages a preflight proves (password needs none). */
export type PreflightStageName = Exclude<IamStage, 'password'>;

/** The preflight stage that proves a switch to `toStage` (null: returning to passwords needs none). */
export function preflightStageOf(toStage: CurrentIamStage): PreflightStageName | null {
  if (toStage === 'password') return null;
  return toStage === 'ro_iam' ? 'ro_iam' : 'rw_iam';
}

function databasesTouched(node: NodeObservation, toStage: CurrentIamStage): string[] {
  const ids = iamKindsAt(toStage, node.hasReadOnlyConnection).map((kind) =>
    kind === 'rw' ? node.rwDatabaseId : node.roDatabaseId,
  );
  return [...new Set(ids.filter((id): id is string => id !== null))];
}

export function databaseIamBlock(
  node: NodeObservation,
  toStage: CurrentIamStage,
  databases: readonly DatabaseObservation[],
): string | null {
  for (const databaseId of databasesTouched(node, toStage)) {
    const check = databases.find((candidate) => candidate.databaseId === databaseId)?.iamCheck;
    if (check?.status === 'iam_disabled')
      return `database ${databaseId} has IAM database authentication disabled (DescribeDBInstances), so every IAM login there fails: ${check.fix || 'enable it on the instance'}`;
  }
  return null;
}

const waitSecondsOf = (spec: RolloutSpec) => spec.preflightWaitSeconds ?? DEFAULT_PREFLIGHT_WAIT_SECONDS;

export function preflightGate(
  spec: RolloutSpec,
  node: NodeObservation,
  toStage: CurrentIamStage,
  databases: readonly DatabaseObservation[],
  nowMs: number,
): PreflightGate {
  const stage = preflightStageOf(toStage);
  if (stage === null) return GO;
  const disabled = databaseIamBlock(node, toStage, databases);
  if (disabled !== null) return { kind: 'block', reason: disabled, blockedBy: 'database-iam' };
  if (node.preflightOverride !== undefined) return GO;
  const verdict = node.preflight?.find((candidate) => candidate.stage === stage);
  if (verdict !== undefined && !verdict.isPassed)
    return {
      kind: 'block',
      reason: `preflight for ${stage} failed: ${verdict.reason ?? 'no reason given'}`,
      blockedBy: 'preflight',
    };
  const ageSeconds = verdict === undefined ? null : Math.max(0, (nowMs - verdict.checkedAtMs) / 1000);
  if (ageSeconds !== null && ageSeconds <= spec.preflightMaxAgeSeconds) return GO;
  const oldNote =
    ageSeconds === null
      ? null
      : `preflight for ${stage} is ${Math.round(ageSeconds)} s old (more than ${spec.preflightMaxAgeSeconds} s)`;
  if (node.isPreflightCapable !== true) {
    if (oldNote === null) return GO;
    return { kind: 'block', reason: `${oldNote}: run it again`, blockedBy: 'preflight' };
  }
  const pending = node.preflightPending;
  const askedAtMs = node.preflightLastAskedAtMs;
  // Answered, yet still too old (the agent's clock runs behind, or it sent a cached result): asking
  // again at once would repeat every pass; it is blocked until the wait has passed, then asked again.
  const isAnsweredStale =
    pending === undefined &&
    oldNote !== null &&
    askedAtMs !== undefined &&
    nowMs - askedAtMs <= waitSecondsOf(spec) * 1000;
  if (isAnsweredStale)
    return {
      kind: 'block',
      reason: `${oldNote}, as its agent answered the latest request: check the node's clock, then run it again`,
      blockedBy: 'preflight',
    };
  if (pending === undefined || !pending.stages.includes(stage))
    return { kind: 'await', reason: `asking its agent for a preflight for ${stage}`, needsRequest: true };
  const waitedSeconds = Math.max(0, (nowMs - pending.requestedAtMs) / 1000);
  if (waitedSeconds <= waitSecondsOf(spec))
    return {
      kind: 'await',
      reason: `waiting for its preflight for ${stage} (asked ${Math.round(waitedSeconds)} s ago)`,
      needsRequest: false,
    };
  return {
    kind: 'block',
    reason: `${oldNote ?? `no preflight verdict for ${stage}`}, and its agent did not answer the request within ${waitSecondsOf(spec)} s: check that the agent runs (its log says why), run POST /api/v1/nodes/${node.nodeId}/preflight, or override (admin)`,
    blockedBy: 'preflight',
  };
}

export interface PreflightRequestIntent {
  readonly nodeId: string;
  readonly stages: readonly PreflightStageName[];
}

/** One IAM login per connection the checks open, on each database the stage targets. */
function requestCost(node: NodeObservation, stage: IamStage): Record<string, number> {
  const cost: Record<string, number> = {};
  for (const kind of iamKindsAt(stage, node.hasReadOnlyConnection)) {
    const databaseId = kind === 'rw' ? node.rwDatabaseId : node.roDatabaseId;
    if (databaseId !== null) cost[databaseId] = (cost[databaseId] ?? 0) + 1;
  }
  return cost;
}

/**
 * The share of target × budget unanswered preflight requests may hold on a database: their logins
 * count in flight for the switches too (below), so the rest stays for the wave's bursts.
 */
export const PREFLIGHT_SHARE = 0.25;

function isRequestPending(spec: RolloutSpec, node: NodeObservation, nowMs: number): boolean {
  const pending = node.preflightPending;
  return pending !== undefined && nowMs - pending.requestedAtMs <= waitSecondsOf(spec) * 1000;
}

/**
 * The IAM logins preflight requests still unanswered will cost, per database: they land when the
 * agent runs its checks, so switch pacing counts them in flight like a burst (advance.ts).
 */
export function pendingPreflightByDatabase(
  spec: RolloutSpec,
  observations: RolloutObservations,
  nowMs: number,
): Record<string, number> {
  const pending: Record<string, number> = {};
  for (const node of observations.nodes) {
    if (!isRequestPending(spec, node, nowMs)) continue;
    for (const stage of node.preflightPending?.stages ?? []) addInto(pending, requestCost(node, stage));
  }
  return pending;
}

/** A record of the current phase waiting for its forward switch in some step. */
const isWaitingForward = (state: RolloutState, record: RolloutNodeRecord) =>
  record.phase === state.phase &&
  record.direction === 'forward' &&
  record.state === 'waiting' &&
  record.stepIndex !== null;

/** Records in step order; `sort` is stable, so within a step the pacing's order stays. */
const byStep = (a: RolloutNodeRecord, b: RolloutNodeRecord) => (a.stepIndex ?? 0) - (b.stepIndex ?? 0);

/** The record blocked by `gate`: out of every step until its cause clears. */
const blockedRecord = (
  record: RolloutNodeRecord,
  gate: Extract<PreflightGate, { kind: 'block' }>,
): RolloutNodeRecord => ({
  ...record,
  state: 'blocked',
  reason: gate.reason,
  stepIndex: null,
  blockedBy: gate.blockedBy,
});

/** The current switch step and the next one (a bake sits between): whose verdicts are asked now. */
const PREFLIGHT_LOOKAHEAD_STEPS = 2;

/** The preflight stages the rollout still needs from here: this phase's and every later phase's. */
export function stagesAhead(spec: RolloutSpec, phase: RolloutPhase): PreflightStageName[] {
  const later = spec.phases.slice(Math.max(0, spec.phases.indexOf(phase)));
  return [...new Set(later.map((name) => preflightStageOf(name)).filter((stage) => stage !== null))];
}

/**
 * The preflight requests a running rollout needs: the nodes of the current phase still waiting to
 * switch in the current step and the next wave step (the current step first; the next wave's ahead
 * of time, so it does not wait for its verdicts), for this phase's stage and every later phase's (a verdict for rw_iam asked during
 * ro_iam is fresh when rw_iam begins: planned from the original file, it does not depend on the
 * stage the node is on). One request per node at a time (a new one would replace its pending one).
 * Paced like switches: a preflight costs real IAM logins (one per connection checked), so on every
 * database the requests touch, measured rate + switch bursts in flight + requests still unanswered +
 * these stay ≤ targetUtilisation × budget. A rollout over 500 nodes thus asks in batches the
 * headroom allows, never all at once.
 */
export function preflightRequests(
  spec: RolloutSpec,
  state: RolloutState,
  observations: RolloutObservations,
  nowMs: number,
): PreflightRequestIntent[] {
  if (state.status !== 'running' || state.phase === null) return [];
  const byId = new Map(observations.nodes.map((node) => [node.nodeId, node]));
  const pending = pendingPreflightByDatabase(spec, observations, nowMs);
  const used: Record<string, number> = { ...inFlightByDatabase(spec, state, nowMs, observations) };
  addInto(used, pending);
  const isPending = (node: NodeObservation) => isRequestPending(spec, node, nowMs);
  const later = stagesAhead(spec, state.phase).filter((stage) => stage !== preflightStageOf(state.phase ?? 'ro_iam'));
  const waiting = state.nodes
    .filter(
      (record) =>
        isWaitingForward(state, record) && (record.stepIndex ?? 0) <= state.stepIndex + PREFLIGHT_LOOKAHEAD_STEPS,
    )
    .sort(byStep);
  const databases = pacedDatabases(state, observations);
  const requests: PreflightRequestIntent[] = [];
  for (const record of waiting) {
    const node = byId.get(record.nodeId);
    const stage = preflightStageOf(record.toStage);
    if (node === undefined || node.isStale || stage === null || isPending(node)) continue;
    const needed = [stage, ...later.filter((other) => other !== stage)].filter((candidate) => {
      const gate = preflightGate(spec, node, candidate, observations.databases, nowMs);
      return gate.kind === 'await' && gate.needsRequest;
    });
    // Only the current phase's stage decides whether to ask: a node this phase does not need to ask
    // is not asked for a later stage alone here (the later phase asks for it, if still needed).
    if (!needed.includes(stage)) continue;
    const cost: Record<string, number> = {};
    for (const candidate of needed) addInto(cost, requestCost(node, candidate));
    const fits = Object.entries(cost).every(([databaseId, logins]) => {
      const database = databases.find((candidate) => candidate.databaseId === databaseId);
      if (database === undefined) return false;
      const target = spec.pacing.targetUtilisation * database.budgetPerSecond;
      // The first request always may (a small budget's share can be below one node's checks).
      const held = pending[databaseId] ?? 0;
      const isWithinShare = held === 0 || held + logins <= PREFLIGHT_SHARE * target;
      return isWithinShare && database.ratePerSecond + (used[databaseId] ?? 0) + logins <= target;
    });
    if (!fits) continue;
    addInto(used, cost);
    addInto(pending, cost);
    requests.push({ nodeId: node.nodeId, stages: needed });
  }
  return requests;
}

export interface GatedRecords {
  readonly state: RolloutState;
  /** Nodes of the current step waiting for a verdict: not switched this pass. */
  readonly awaiting: ReadonlySet<string>;
  readonly note: string | null;
}

/**
 * Applies the gate to the phase's records at switch time: candidates of the current step that
 * fail it become blocked (with the reason), those awaiting a verdict wait, and nodes blocked
 * earlier by preflight or a disabled database whose cause cleared (an override, a passing run,
 * IAM enabled) join the current step again.
 */
export function applyPreflightGates(
  spec: RolloutSpec,
  state: RolloutState,
  observations: RolloutObservations,
  nowMs: number,
): GatedRecords {
  const phase = state.phase;
  const byId = new Map(observations.nodes.map((node) => [node.nodeId, node]));
  const awaiting = new Set<string>();
  const nodes = state.nodes.map((record) => {
    const node = byId.get(record.nodeId);
    if (record.phase !== phase || record.direction !== 'forward' || node === undefined) return record;
    const isCandidate = record.state === 'waiting' && record.stepIndex !== null && record.stepIndex <= state.stepIndex;
    const isLiftable = record.state === 'blocked' && record.blockedBy !== undefined;
    if (!isCandidate && !isLiftable) return record;
    const gate = preflightGate(spec, node, record.toStage, observations.databases, nowMs);
    if (isCandidate) {
      if (gate.kind === 'await') awaiting.add(record.nodeId);
      if (gate.kind !== 'block') return record;
      return blockedRecord(record, gate);
    }
    if (gate.kind === 'block') return record.reason === gate.reason ? record : { ...record, reason: gate.reason };
    const burst = burstByDatabase(node, record.toStage);
    const { blockedBy: _cleared, ...rest } = record;
    if (!burst.isKnown) return { ...rest, reason: burst.reason };
    if (gate.kind === 'await') awaiting.add(record.nodeId);
    return {
      ...rest,
      state: 'waiting' as const,
      reason: null,
      stepIndex: state.stepIndex,
      burstByDatabase: burst.byDatabase,
    };
  });
  const freed = nodes.filter((record, index) => record.state === 'blocked' && state.nodes[index]?.state === 'waiting');
  const context = { spec, state, byId, databases: observations.databases, nowMs };
  const refilled = refillBlockedPlaces(context, nodes, freed.length, awaiting);
  const traded = tradeAwaitingPlaces(context, refilled, awaiting);
  const note = awaiting.size > 0 ? `waiting for preflight verdicts from ${awaiting.size} node(s)` : null;
  return { state: { ...state, nodes: traded }, awaiting, note };
}

interface PlaceContext {
  readonly spec: RolloutSpec;
  readonly state: RolloutState;
  readonly byId: ReadonlyMap<string, NodeObservation>;
  readonly databases: readonly DatabaseObservation[];
  readonly nowMs: number;
}

/** The phase's forward records waiting for a later step than the current one, in step order, with their index. */
function laterWaiting(state: RolloutState, nodes: readonly RolloutNodeRecord[]) {
  return nodes
    .map((record, index) => ({ record, index }))
    .filter(({ record }) => isWaitingForward(state, record) && (record.stepIndex ?? 0) > state.stepIndex)
    .sort((a, b) => byStep(a.record, b.record));
}

/**
 * A candidate blocked at switch time gives its place in the step to the next node waiting for a later
 * one, as if it had been blocked when the phase began (blocked nodes count in no step): a canary of one
 * whose preflight fails is replaced, so the bake after it follows a node that really switched. A node
 * taken up that is blocked too is marked so and the next one is taken.
 */
function refillBlockedPlaces(
  { spec, state, byId, databases, nowMs }: PlaceContext,
  nodes: RolloutNodeRecord[],
  freed: number,
  awaiting: Set<string>,
): RolloutNodeRecord[] {
  if (freed === 0) return nodes;
  const refilled = [...nodes];
  let places = freed;
  for (const { record, index } of laterWaiting(state, nodes)) {
    if (places === 0) break;
    const node = byId.get(record.nodeId);
    if (node === undefined) continue;
    const gate = preflightGate(spec, node, record.toStage, databases, nowMs);
    if (gate.kind === 'block') {
      refilled[index] = blockedRecord(record, gate);
      continue;
    }
    refilled[index] = { ...record, stepIndex: state.stepIndex };
    if (gate.kind === 'await') awaiting.add(record.nodeId);
    places -= 1;
  }
  return refilled;
}

/**
 * A candidate still awaiting its verdict trades places (switch steps) with the first node of a later
 * step whose verdict already lets it go, so a step is not held by one agent that has not heard the
 * request yet (an idle node hears it at its next keep-alive, up to 10 s away, while the next wave's
 * nodes were asked at the same time): the canary is whichever of the asked nodes answered first.
 * Step sizes and everyone else's order stay as they were; the traded node keeps waiting for its
 * verdict in the later step. Mutates `awaiting` (the traded node is no longer a candidate).
 */
function tradeAwaitingPlaces(
  { spec, state, byId, databases, nowMs }: PlaceContext,
  nodes: RolloutNodeRecord[],
  awaiting: Set<string>,
): RolloutNodeRecord[] {
  if (awaiting.size === 0) return nodes;
  const traded = [...nodes];
  const later = laterWaiting(state, traded);
  const isReady = (record: RolloutNodeRecord) => {
    const node = byId.get(record.nodeId);
    if (node === undefined || node.isStale || !burstByDatabase(node, record.toStage).isKnown) return false;
    return preflightGate(spec, node, record.toStage, databases, nowMs).kind === 'go';
  };
  let next = 0;
  traded.forEach((record, index) => {
    if (record.phase !== state.phase || !awaiting.has(record.nodeId) || record.state !== 'waiting') return;
    while (next < later.length && !isReady(later[next]!.record)) next += 1;
    const partner = later[next];
    if (partner === undefined) return;
    next += 1;
    traded[index] = { ...record, stepIndex: partner.record.stepIndex };
    traded[partner.index] = { ...partner.record, stepIndex: record.stepIndex };
    awaiting.delete(record.nodeId);
  });
  return traded;
}
