import {
  CONNECTION_KINDS,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  HOUR_SECONDS,
  OwnDatabaseCounts,
  secondOf,
  type AuthFailureCounts,
  type CounterDelta,
  type CounterSnapshot,
  type DatabaseIncrements,
  type FleetRates,
  type NodeRoutes,
} from '@iamroll/core/rates';
import { forEachYielding } from '../../yield';
import {
  encodeDatabaseEntry,
  encodeNodeEntry,
  type NodeEvent,
  type NodeSpread,
  type PeerNodeEntry,
} from './replication-entries';

/** A heartbeat this process accepted (not out of order), after FleetRates folded it in. */
export interface OwnHeartbeat {
  readonly nodeId: string;
  readonly receivedAtMs: number;
  /** As the agent sent it. */
  readonly snapshot: CounterSnapshot;
  readonly delta: CounterDelta;
  readonly routes: NodeRoutes;
}

/** One flush's worth: the entries to send, and what they publish (marked once sent). */
export interface AggregateBatch {
  readonly entries: readonly string[];
  readonly databases: readonly DatabaseIncrements[];
  readonly nodeCount: number;
  readonly databaseSecondCount: number;
}

/** A database entry stays far under NOTIFY's 8000 bytes: at most this many seconds (~25 bytes each). */
const SECONDS_PER_ENTRY = 200;
/** A node heartbeating faster than the flush: its spreads and events merge beyond this many. */
const PARTS_PER_NODE = 16;

interface PendingNode {
  seenMs: number;
  intervalMs: number;
  snapshot: CounterSnapshot | undefined;
  readonly spreads: NodeSpread[];
  readonly events: NodeEvent[];
}

function hasFailures(f: AuthFailureCounts): boolean {
  return f.invalidToken > 0 || f.notAuthorized > 0 || f.throttled > 0 || f.other > 0;
}

function sumFailures(a: AuthFailureCounts, b: AuthFailureCounts): AuthFailureCounts {
  return {
    invalidToken: a.invalidToken + b.invalidToken,
    notAuthorized: a.notAuthorized + b.notAuthorized,
    throttled: a.throttled + b.throttled,
    other: a.other + b.other,
  };
}

function kindHasCounts(counts: CounterDelta['rw']): boolean {
  return counts.attempts > 0 || counts.established > 0 || hasFailures(counts.authFailures);
}

function hasCounts(delta: CounterDelta): boolean {
  return kindHasCounts(delta.rw) || kindHasCounts(delta.ro);
}

/**
 * What this process tells the others about the heartbeats it received, instead of the heartbeats
 * themselves: each process owns what it received and publishes
 * - per database, the per-second increments its heartbeats added (OwnDatabaseCounts: exact, a late
 *   second again as a correction), so every process's database series, budget alarms, pacing and
 *   dashboard are the whole fleet's;
 * - per node heard since the last flush, one entry: its liveness and interval (staleness on the
 *   leader), the snapshot its next delta is diffed against when its counts moved (so a node whose
 *   heartbeats move between processes counts once), the attempts it added and over which span (its
 *   own series: pacing's recent logins, the node's rates), and its authentication failures (node
 *   alarms). An idle node's keep-alive costs a ~70-byte entry and no rate work on the others.
 * `record` is the hot path (a map update per heartbeat); `take` builds a flush, yielding to the
 * event loop every few milliseconds (forEachYielding).
 */
export class FleetAggregates {
  readonly #databases: OwnDatabaseCounts;
  #nodes = new Map<string, PendingNode>();
  /** Mirrors FleetRates' lastHeartbeatAtMs before each heartbeat: the receive gap a delta's span falls back on. */
  readonly #lastAtMs = new Map<string, number>();

  constructor(private readonly fleet: FleetRates) {
    this.#databases = new OwnDatabaseCounts(fleet);
  }

  get hasPending(): boolean {
    return this.#nodes.size > 0 || this.#databases.hasDirty;
  }

  record({ nodeId, receivedAtMs, snapshot, delta, routes }: OwnHeartbeat): void {
    const previousAtMs = this.#lastAtMs.get(nodeId);
    this.#lastAtMs.set(nodeId, Math.max(previousAtMs ?? receivedAtMs, receivedAtMs));
    const intervalMs = this.fleet.node(nodeId)?.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    let node = this.#nodes.get(nodeId);
    if (node === undefined) {
      node = { seenMs: receivedAtMs, intervalMs, snapshot: undefined, spreads: [], events: [] };
      this.#nodes.set(nodeId, node);
    }
    node.seenMs = Math.max(node.seenMs, receivedAtMs);
    node.intervalMs = intervalMs;
    const isCounted = delta.status === 'advanced' || delta.status === 'restarted';
    if (delta.status === 'baseline' || delta.status === 'restarted' || (isCounted && hasCounts(delta)))
      node.snapshot = snapshot;
    if (!isCounted) return;

    // FleetRates' span of a delta (coveredMsOf): the agent's elapsed time, else the receive gap.
    const boundMs =
      delta.elapsedMs > 0 ? delta.elapsedMs : previousAtMs === undefined ? undefined : receivedAtMs - previousAtMs;
    let coveredMs = Math.max(0, boundMs ?? 0);
    if (delta.status === 'restarted') coveredMs = Math.min(coveredMs, Math.max(1, snapshot.seq) * intervalMs);
    const receivedSecond = secondOf(receivedAtMs);
    // Unknown span (first heartbeat here since start, no agent time): every held second may have moved.
    const dirtyFrom = boundMs === undefined ? receivedSecond - HOUR_SECONDS : secondOf(receivedAtMs - boundMs);
    let failures: AuthFailureCounts | undefined;
    for (const kind of CONNECTION_KINDS) {
      const counts = delta[kind];
      const route = routes[kind];
      if (counts.attempts > 0 || counts.established > 0) {
        const spread = {
          kind,
          fromMs: receivedAtMs - coveredMs,
          toMs: receivedAtMs,
          attempts: counts.attempts,
          established: counts.established,
        };
        addPart(node.spreads, spread, mergeSpreads);
        if (route && counts.attempts > 0) this.#databases.markDirty(route.databaseId, dirtyFrom, receivedSecond);
      }
      if (hasFailures(counts.authFailures)) {
        failures = failures ? sumFailures(failures, counts.authFailures) : counts.authFailures;
        if (route && counts.authFailures.throttled > 0) {
          this.#databases.markDirty(route.databaseId, receivedSecond, receivedSecond);
          this.#databases.noteThrottledAt(route.databaseId, receivedAtMs);
        }
      }
    }
    if (failures) addPart(node.events, { atMs: receivedAtMs, failures }, mergeEvents);
  }

  /** What to send now; nothing is marked as published until `sent`. */
  async take(): Promise<AggregateBatch> {
    const nodes = this.#nodes;
    this.#nodes = new Map();
    const databases = this.#databases.pending();
    const entries: string[] = [];
    let databaseSecondCount = 0;
    for (const increments of databases) {
      databaseSecondCount += increments.seconds.length;
      for (let start = 0; start === 0 || start < increments.seconds.length; start += SECONDS_PER_ENTRY) {
        const seconds = increments.seconds.slice(start, start + SECONDS_PER_ENTRY);
        entries.push(encodeDatabaseEntry({ ...increments, seconds }));
      }
    }
    await forEachYielding(nodes, ([nodeId, node]) => void entries.push(encodeNodeEntry({ nodeId, ...node })));
    return { entries, databases, nodeCount: nodes.size, databaseSecondCount };
  }

  sent(batch: AggregateBatch): void {
    this.#databases.markPublished(batch.databases);
  }

  /** The send failed: database seconds go again with the next flush (node entries are lost, as notifications are). */
  failed(batch: AggregateBatch): void {
    this.#databases.restore(batch.databases);
  }

  /** Alone on the database: nobody to tell. */
  discard(): void {
    this.#nodes.clear();
    this.#databases.discard();
  }

  /** A peer's database increments: into FleetRates. */
  applyDatabase(increments: DatabaseIncrements): void {
    this.#databases.applyPeer(increments);
  }

  /** A peer heard the node (FleetRates' lastHeartbeatAtMs moved with it). */
  notePeerSeen(nodeId: string, seenMs: number): void {
    this.#lastAtMs.set(nodeId, Math.max(this.#lastAtMs.get(nodeId) ?? seenMs, seenMs));
  }

  forget(nodeId: string): void {
    this.#lastAtMs.delete(nodeId);
    this.#nodes.delete(nodeId);
  }
}

const mergeSpreads = (a: NodeSpread, b: NodeSpread): NodeSpread | undefined =>
  a.kind === b.kind
    ? {
        kind: a.kind,
        fromMs: Math.min(a.fromMs, b.fromMs),
        toMs: Math.max(a.toMs, b.toMs),
        attempts: a.attempts + b.attempts,
        established: a.established + b.established,
      }
    : undefined;

const mergeEvents = (a: NodeEvent, b: NodeEvent): NodeEvent | undefined =>
  secondOf(a.atMs) === secondOf(b.atMs)
    ? { atMs: Math.max(a.atMs, b.atMs), failures: sumFailures(a.failures, b.failures) }
    : undefined;

/** Appends, or past PARTS_PER_NODE merges into one of the last parts when `merge` can (an agent heartbeating too fast). */
function addPart<T>(parts: T[], part: T, merge: (a: T, b: T) => T | undefined): void {
  if (parts.length >= PARTS_PER_NODE) {
    // The last two parts: one of them has the same kind (or second) unless the node alternates oddly.
    for (let index = parts.length - 1; index >= parts.length - 2; index--) {
      const merged = merge(parts[index] as T, part);
      if (merged === undefined) continue;
      parts[index] = merged;
      return;
    }
  }
  parts.push(part);
}

/** A peer's node entry into this process's FleetRates (the registry part is heartbeat-service's applyForwarded). */
export function applyPeerNode(fleet: FleetRates, entry: PeerNodeEntry): void {
  fleet.adoptPeerHeartbeat(entry.nodeId, entry.seenMs, entry.intervalMs, entry.snapshot);
  for (const spread of entry.spreads)
    fleet.addNodeAttempts(entry.nodeId, spread.kind, spread, spread.fromMs, spread.toMs);
  for (const event of entry.events) fleet.addNodeEvents(entry.nodeId, event.atMs, event.failures);
}
