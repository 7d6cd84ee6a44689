import {
  boundSentAt,
  CONNECTION_KINDS,
  computeCounterDelta,
  type AuthFailureCounts,
  type ConnectionKind,
  type CounterDelta,
  type CounterSnapshot,
  type KindCounters,
} from './counter-delta';
import {
  createDatabaseSeries,
  createFailureSeries,
  createNodeState,
  NON_THROTTLE_CAUSES,
  type DatabaseSeries,
  type KindState,
  type NodeRoutes,
  type NodeState,
} from './fleet-state';
import { HOUR_SECONDS, SECOND_MS, SecondSeries, secondOf } from './second-series';
import { addSpread } from './spread';

// In-memory rates of a fleet: a per-second series per node and connection kind, and per
// database the running sum of the series routed to it, kept by writing every delta to
// the node and its database at once. No I/O, no clock: every call takes the time.
//
// Placement uses the controller's receive time, not the agent's clock (skewed agents
// would otherwise smear a database's sum): a delta covers [receivedAtMs - covered,
// receivedAtMs), with `covered` measured on the agent's clock between its snapshots.

/** What one second of a database holds: new connections, IAM ones, throttled logins. */
export interface DatabaseSecondCounts {
  readonly attempts: number;
  readonly iamAttempts: number;
  readonly throttled: number;
}

export interface FleetRatesOptions {
  /** Seconds held per series (default an hour). */
  readonly capacitySeconds?: number;
  /** Seconds of per-node failure history held for alarm windows (default 300). */
  readonly failureCapacitySeconds?: number;
  /** A receive gap longer than this many intervals starts a new heartbeat streak (default 3). */
  readonly streakBreakIntervals?: number;
}

export class FleetRates {
  readonly #capacitySeconds: number;
  readonly #failureCapacitySeconds: number;
  readonly #streakBreakIntervals: number;
  readonly #nodes = new Map<string, NodeState>();
  readonly #databases = new Map<string, DatabaseSeries>();

  constructor(options: FleetRatesOptions = {}) {
    this.#capacitySeconds = options.capacitySeconds ?? HOUR_SECONDS;
    this.#failureCapacitySeconds = options.failureCapacitySeconds ?? 300;
    this.#streakBreakIntervals = options.streakBreakIntervals ?? 3;
  }

  /** Routes a node's kinds to databases. Counts already written stay where they are. */
  setRoutes(nodeId: string, routes: NodeRoutes): void {
    const node = this.#node(nodeId);
    node.heartbeatIntervalMs = routes.heartbeatIntervalMs ?? node.heartbeatIntervalMs;
    for (const kind of CONNECTION_KINDS) {
      node.kinds[kind].route = routes[kind];
      this.#retarget(node.kinds[kind]);
    }
  }

  /** Folds one heartbeat in. O(seconds covered): about two for a 1 Hz agent. */
  ingestHeartbeat(nodeId: string, sent: CounterSnapshot, receivedAtMs: number): CounterDelta {
    const snapshot = boundSentAt(sent, receivedAtMs);
    const node = this.#node(nodeId);
    const delta = computeCounterDelta(node.last, snapshot);
    if (delta.status === 'out-of-order') return delta;

    const previousAtMs = node.lastHeartbeatAtMs;
    const breakMs = this.#streakBreakIntervals * node.heartbeatIntervalMs;
    if (previousAtMs === undefined || receivedAtMs - previousAtMs > breakMs) node.heartbeatStreakStartMs = receivedAtMs;
    // A retried (duplicate) heartbeat still proves the node is alive now.
    node.lastHeartbeatAtMs = Math.max(previousAtMs ?? receivedAtMs, receivedAtMs);
    if (!delta.isAccepted) return delta;
    node.last = snapshot;
    if (delta.status === 'baseline') return delta;

    const receiveGapMs = previousAtMs === undefined ? 0 : receivedAtMs - previousAtMs;
    const coveredMs = coveredMsOf(delta, snapshot.seq, receiveGapMs, node.heartbeatIntervalMs);
    for (const kind of CONNECTION_KINDS) this.#record(node, node.kinds[kind], delta[kind], coveredMs, receivedAtMs);
    // The node's failure series move on with it too, so a burst of failures is freed once it leaves them.
    const second = secondOf(receivedAtMs);
    node.throttled?.advanceTo(second);
    if (node.failures !== undefined) for (const cause of NON_THROTTLE_CAUSES) node.failures[cause].advanceTo(second);
    return delta;
  }

  removeNode(nodeId: string): void {
    this.#nodes.delete(nodeId);
  }

  node(nodeId: string): Readonly<NodeState> | undefined {
    return this.#nodes.get(nodeId);
  }

  nodeIds(): IterableIterator<string> {
    return this.#nodes.keys();
  }

  /** A node's attempts per second for one kind (undefined until it made one). */
  nodeSeries(nodeId: string, kind: ConnectionKind): SecondSeries | undefined {
    return this.#nodes.get(nodeId)?.kinds[kind].series;
  }

  database(databaseId: string): Readonly<DatabaseSeries> | undefined {
    return this.#databases.get(databaseId);
  }

  databaseIds(): IterableIterator<string> {
    return this.#databases.keys();
  }

  #node(nodeId: string): NodeState {
    let node = this.#nodes.get(nodeId);
    if (node === undefined) {
      node = createNodeState();
      this.#nodes.set(nodeId, node);
    }
    return node;
  }

  #database(databaseId: string): DatabaseSeries {
    let database = this.#databases.get(databaseId);
    if (database === undefined) {
      database = createDatabaseSeries(this.#capacitySeconds);
      this.#databases.set(databaseId, database);
    }
    return database;
  }

  #retarget(state: KindState): void {
    const targets: SecondSeries[] = state.series === undefined ? [] : [state.series];
    if (state.route !== undefined) {
      const database = this.#database(state.route.databaseId);
      targets.push(database.attempts);
      if (state.route.isIam) targets.push(database.iamAttempts);
    }
    state.targets = targets;
  }

  #record(node: NodeState, state: KindState, delta: KindCounters, coveredMs: number, atMs: number): void {
    if (delta.attempts > 0) {
      if (state.series === undefined) {
        state.series = new SecondSeries(this.#capacitySeconds);
        this.#retarget(state);
      }
      addSpread(state.targets, delta.attempts, atMs - coveredMs, atMs);
    } else {
      // A quiet heartbeat moves the head too, so the pages of an old burst are freed once it leaves the ring.
      state.series?.advanceTo(secondOf(atMs));
    }
    const establishedPerSecond = delta.established / Math.max(1, coveredMs / SECOND_MS);
    state.peakEstablishedPerSecond = Math.max(state.peakEstablishedPerSecond, establishedPerSecond);

    // Failures are events for alarm windows: counted at the second they were reported.
    const second = secondOf(atMs);
    if (delta.authFailures.throttled > 0) {
      node.throttled ??= new SecondSeries(this.#failureCapacitySeconds);
      node.throttled.addAt(second, delta.authFailures.throttled);
    }
    if (delta.authFailures.throttled > 0 && state.route !== undefined) {
      const database = this.#database(state.route.databaseId);
      database.throttled.addAt(second, delta.authFailures.throttled);
      database.lastThrottledAtMs = Math.max(database.lastThrottledAtMs ?? atMs, atMs);
    }
    for (const cause of NON_THROTTLE_CAUSES) {
      const failures = delta.authFailures[cause];
      if (failures === 0) continue;
      node.failures ??= createFailureSeries(this.#failureCapacitySeconds);
      node.failures[cause].addAt(second, failures);
      node.lastAuthFailureAtMs = Math.max(node.lastAuthFailureAtMs ?? atMs, atMs);
    }
  }

  // ---- Counts other API processes publish (apps/api heartbeats/fleet-aggregates.ts): each process folds in
  // only the heartbeats it received and publishes what they added; these add the others' shares here.

  /** One second of a database as another process counted it: added to the database's series only. */
  addDatabaseCounts(databaseId: string, second: number, counts: DatabaseSecondCounts): void {
    const database = this.#database(databaseId);
    database.attempts.addAt(second, counts.attempts);
    database.iamAttempts.addAt(second, counts.iamAttempts);
    database.throttled.addAt(second, counts.throttled);
  }

  /** Another process saw a throttled login for this database at `atMs`. */
  noteDatabaseThrottledAt(databaseId: string, atMs: number): void {
    const database = this.#database(databaseId);
    database.lastThrottledAtMs = Math.max(database.lastThrottledAtMs ?? atMs, atMs);
  }

  /**
   * A heartbeat another process accepted: the node's liveness and interval (staleness, streaks, as
   * `ingestHeartbeat` keeps them) and, when given, the snapshot its next delta is diffed against (a node
   * whose heartbeats move between processes is then counted once). Counts nothing. False when the
   * snapshot is older than the one held (it is ignored; the liveness still counts).
   */
  adoptPeerHeartbeat(
    nodeId: string,
    receivedAtMs: number,
    heartbeatIntervalMs: number,
    sent: CounterSnapshot | undefined,
  ): boolean {
    const node = this.#node(nodeId);
    if (heartbeatIntervalMs > 0) node.heartbeatIntervalMs = heartbeatIntervalMs;
    const previousAtMs = node.lastHeartbeatAtMs;
    const breakMs = this.#streakBreakIntervals * node.heartbeatIntervalMs;
    if (previousAtMs === undefined || receivedAtMs - previousAtMs > breakMs) node.heartbeatStreakStartMs = receivedAtMs;
    node.lastHeartbeatAtMs = Math.max(previousAtMs ?? receivedAtMs, receivedAtMs);
    if (sent === undefined) return true;
    const snapshot = boundSentAt(sent, receivedAtMs);
    if (!computeCounterDelta(node.last, snapshot).isAccepted) return false;
    node.last = snapshot;
    return true;
  }

  /** Attempts another process counted for a node over [fromMs, toMs): its series only (the database's come per second). */
  addNodeAttempts(
    nodeId: string,
    kind: ConnectionKind,
    counts: { readonly attempts: number; readonly established: number },
    fromMs: number,
    toMs: number,
  ): void {
    const state = this.#node(nodeId).kinds[kind];
    if (counts.attempts > 0) {
      if (state.series === undefined) {
        state.series = new SecondSeries(this.#capacitySeconds);
        this.#retarget(state);
      }
      addSpread([state.series], counts.attempts, fromMs, toMs);
    }
    const establishedPerSecond = counts.established / Math.max(1, (toMs - fromMs) / SECOND_MS);
    state.peakEstablishedPerSecond = Math.max(state.peakEstablishedPerSecond, establishedPerSecond);
  }

  /** Failures another process saw in one of the node's heartbeats at `atMs` (its alarm windows, its throttles). */
  addNodeEvents(nodeId: string, atMs: number, failures: AuthFailureCounts): void {
    const node = this.#node(nodeId);
    const second = secondOf(atMs);
    if (failures.throttled > 0) {
      node.throttled ??= new SecondSeries(this.#failureCapacitySeconds);
      node.throttled.addAt(second, failures.throttled);
    }
    for (const cause of NON_THROTTLE_CAUSES) {
      if (!(failures[cause] > 0)) continue;
      node.failures ??= createFailureSeries(this.#failureCapacitySeconds);
      node.failures[cause].addAt(second, failures[cause]);
      node.lastAuthFailureAtMs = Math.max(node.lastAuthFailureAtMs ?? atMs, atMs);
    }
  }
}

/**
 * How long a delta took to accumulate. After a restart the totals count from the agent's
 * boot, about `seq` heartbeats ago, not from the previous boot's last report: spreading
 * a start-up burst over the whole outage would hide it.
 */
function coveredMsOf(delta: CounterDelta, seq: number, receiveGapMs: number, heartbeatIntervalMs: number): number {
  const coveredMs = delta.elapsedMs > 0 ? delta.elapsedMs : Math.max(0, receiveGapMs);
  if (delta.status !== 'restarted') return coveredMs;
  return Math.min(coveredMs, Math.max(1, seq) * heartbeatIntervalMs);
}
