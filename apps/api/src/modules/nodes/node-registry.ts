import type { NodeStage, TransitionReport } from '@iamroll/contracts';
import type { CounterSnapshot, FleetRates, NodeRoutes } from '@iamroll/core/rates';
import { pickReport, type NodeDetails, type NodeReport } from './node-report';
import {
  storedCountersOf,
  type NodeRefreshRow,
  type NodeStateRepository,
  type NodeStateRow,
} from './node-state-repository';

/** What the next liveness write carries (the newest accepted heartbeat). */
export interface PendingLiveness {
  readonly lastSeenMs: number;
  readonly snapshot: CounterSnapshot;
}

/** One node in memory: what PostgreSQL holds (as far as this process knows) and what its agent reports. */
export interface NodeEntry {
  readonly id: string;
  hostname: string;
  desiredStage: NodeStage;
  /** The heartbeat reply's `finalize` (rollouts set it with desired_stage). */
  finalize: 'remove-passwords' | 'finalized' | null;
  /** The heartbeat reply's `restore` (rollouts set it with desired_stage). */
  restore: 'original' | null;
  /**
   * The heartbeat reply's `switchAt` (epoch ms): when the rollout planned this node's switch to
   * begin. Memory only, set by this process's rollout pass: a process that learns the desired stage
   * from the database replies without it, and that agent begins at once, as before planned seconds.
   */
  switchAtMs: number | null;
  /** The registry's `desireSeq` at this process's last own write of the desire fields above (0: none). */
  desireSeq: number;
  /** What the agent last said beyond the report (labels, its stage machine): memory only, for the rollout engine. */
  agent:
    { readonly labels: Readonly<Record<string, string>>; readonly transition: TransitionReport | null } | undefined;
  /** The row's report columns as of `persistedUpdatedMs`. */
  persisted: NodeReport;
  persistedUpdatedMs: number;
  /** The details last written by this process; undefined when unknown (another writer came in between). */
  persistedDetailsJson: string | undefined;
  /** The newest report a heartbeat to this process carried (undefined: none yet). */
  report: NodeReport | undefined;
  details: NodeDetails | undefined;
  liveness: PendingLiveness | undefined;
  /** The newest heartbeat any process received (memory; the row trails it by up to a flush). */
  lastSeenMs: number | undefined;
  /** The FleetRates routes last set, as a comparable string. */
  routeKey: string | undefined;
  /** The routes object last passed to `route` (a heartbeat whose routes did not change passes it again). */
  routes: NodeRoutes | undefined;
}

/** The snapshot persisted with the node's last heartbeat, if the row has one. */
function persistedSnapshot(row: NodeStateRow): CounterSnapshot | undefined {
  const counters = storedCountersOf(row.lastCounters);
  if (row.bootId === null || row.lastSeq === null || !counters) return undefined;
  return {
    bootId: row.bootId,
    seq: row.lastSeq,
    sentAtMs: counters.sentAtMs,
    // last_seen_at is the controller's clock: it orders the next boot even if the agent's clock lied.
    ...(row.lastSeenMs !== null ? { receivedAtMs: row.lastSeenMs } : {}),
    rw: counters.rw,
    ro: counters.ro,
  };
}

export function routeKeyOf(routes: NodeRoutes): string {
  return `${routes.rw?.databaseId ?? ''}|${routes.rw?.isIam ? 1 : 0}|${routes.ro?.databaseId ?? ''}|${routes.ro?.isIam ? 1 : 0}|${routes.heartbeatIntervalMs ?? ''}`;
}

/**
 * Every node of the fleet in memory, so a heartbeat needs no query: loaded whole at
 * start, kept current by the sync loop (rows written since the last look) and loaded
 * on demand for a node this process has not seen yet. Loading the fleet at start also
 * seeds FleetRates with each node's persisted counters and routes, so after a restart
 * the next heartbeat is diffed against the last one stored (no counts lost, none
 * doubled), and a node silent since before the restart still goes stale.
 */
export class NodeRegistry {
  readonly #entries = new Map<string, NodeEntry>();
  /** Nodes with a report or liveness waiting for the next flush. */
  readonly touched = new Set<NodeEntry>();
  /**
   * Nodes decommissioned while this process ran. Decommissioning is for good, so a row read
   * before it committed (a refresh or a load in flight) must not bring the node back.
   */
  readonly #removed = new Set<string>();
  #pending = new Map<string, Promise<NodeEntry | undefined>>();
  #batch: { ids: Set<string>; run: Promise<void> } | undefined;
  /** See `desireSeq`. */
  #desireSeq = 0;

  constructor(
    private readonly states: NodeStateRepository,
    private readonly fleet: FleetRates,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  get(id: string): NodeEntry | undefined {
    return this.#entries.get(id);
  }

  all(): IterableIterator<NodeEntry> {
    return this.#entries.values();
  }

  /** The node, loading it when this process has not seen it (concurrent asks share one query). */
  ensure(id: string): Promise<NodeEntry | undefined> {
    const entry = this.#entries.get(id);
    if (entry) return Promise.resolve(entry);
    let pending = this.#pending.get(id);
    if (!pending) {
      pending = this.#load(id).finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    return pending;
  }

  /**
   * At start, before any heartbeat: seeds FleetRates from each row's persisted snapshot.
   * Only here: a node loaded later may have heartbeats in flight from other processes
   * that are older than its row, and a seed newer than them would swallow their counts.
   */
  async loadAll(): Promise<void> {
    for (const row of await this.states.load()) this.apply(row, true);
  }

  /**
   * Takes a row read from PostgreSQL; a row older than what this process knows changes nothing,
   * and a decommissioned node's row adds nothing (undefined).
   */
  apply(row: NodeRefreshRow | NodeStateRow, isSeeding = false, readFromSeq?: number): NodeEntry | undefined {
    if (this.#removed.has(row.id)) return undefined;
    const entry = this.#entries.get(row.id);
    if (!entry) return this.#add(row, isSeeding);
    // This process wrote the desire after the read began: the row predates it (its commit came first).
    const isDesireNewer = readFromSeq !== undefined && entry.desireSeq > readFromSeq;
    if (!isDesireNewer) {
      if (entry.desiredStage !== row.desiredStage) entry.switchAtMs = null; // another writer's desire
      entry.desiredStage = row.desiredStage;
      entry.finalize = row.finalize;
      entry.restore = row.restore;
    }
    entry.hostname = row.hostname;
    if (row.lastSeenMs !== null) entry.lastSeenMs = Math.max(entry.lastSeenMs ?? 0, row.lastSeenMs);
    if (row.updatedMs > entry.persistedUpdatedMs) {
      entry.persisted = pickReport(row);
      entry.persistedUpdatedMs = row.updatedMs;
      entry.persistedDetailsJson = undefined;
    }
    return entry;
  }

  /**
   * Counts this process's own writes of desire fields. A reader of rows takes it before its query
   * and passes it to `apply`, so a row read before one of those writes cannot undo it in memory: for
   * up to a refresh, the heartbeat reply would otherwise give the node the older stage back.
   */
  get desireSeq(): number {
    return this.#desireSeq;
  }

  /** Sets what the heartbeat reply asks of the node, after the write to its row has committed. */
  desire(
    entry: NodeEntry,
    change: Partial<Pick<NodeEntry, 'desiredStage' | 'finalize' | 'restore' | 'switchAtMs'>>,
  ): void {
    if (change.desiredStage !== undefined) entry.desiredStage = change.desiredStage;
    if (change.finalize !== undefined) entry.finalize = change.finalize;
    if (change.restore !== undefined) entry.restore = change.restore;
    if (change.switchAtMs !== undefined) entry.switchAtMs = change.switchAtMs;
    this.#desireSeq += 1;
    entry.desireSeq = this.#desireSeq;
  }

  /**
   * A decommissioned node leaves memory and FleetRates (its database rates no longer
   * include it from now on); its heartbeats, here or replicated from another process, find no node anymore.
   */
  remove(id: string): boolean {
    this.#removed.add(id);
    const entry = this.#entries.get(id);
    this.fleet.removeNode(id);
    if (!entry) return false;
    this.#entries.delete(id);
    this.touched.delete(entry);
    return true;
  }

  /** Sets the node's FleetRates routes when they changed (a string compare per heartbeat). */
  route(entry: NodeEntry, routes: NodeRoutes): void {
    if (routes === entry.routes) return;
    entry.routes = routes;
    const key = routeKeyOf(routes);
    if (key === entry.routeKey) return;
    entry.routeKey = key;
    this.fleet.setRoutes(entry.id, routes);
  }

  #add(row: NodeRefreshRow | NodeStateRow, isSeeding: boolean): NodeEntry {
    const entry: NodeEntry = {
      id: row.id,
      hostname: row.hostname,
      desiredStage: row.desiredStage,
      finalize: row.finalize,
      restore: row.restore,
      switchAtMs: null,
      desireSeq: 0,
      agent: undefined,
      persisted: pickReport(row),
      persistedUpdatedMs: row.updatedMs,
      persistedDetailsJson: undefined,
      report: undefined,
      details: undefined,
      liveness: undefined,
      lastSeenMs: row.lastSeenMs ?? undefined,
      routeKey: undefined,
      routes: undefined,
    };
    this.#entries.set(row.id, entry);
    if (isSeeding && this.fleet.node(row.id) === undefined) {
      this.route(entry, {
        ...(row.rwDatabaseId ? { rw: { databaseId: row.rwDatabaseId, isIam: row.rwAuthMode === 'iam' } } : {}),
        ...(row.roDatabaseId ? { ro: { databaseId: row.roDatabaseId, isIam: row.roAuthMode === 'iam' } } : {}),
        ...(row.heartbeatIntervalMs ? { heartbeatIntervalMs: row.heartbeatIntervalMs } : {}),
      });
      const snapshot = 'lastCounters' in row ? persistedSnapshot(row) : undefined;
      if (snapshot && row.lastSeenMs !== null) this.fleet.ingestHeartbeat(row.id, snapshot, row.lastSeenMs);
    }
    return entry;
  }

  /** Ids asked for in the same tick are loaded with one query. */
  async #load(id: string): Promise<NodeEntry | undefined> {
    if (!this.#batch) {
      const ids = new Set<string>();
      const run = Promise.resolve().then(async () => {
        this.#batch = undefined;
        const readFromSeq = this.#desireSeq;
        for (const row of await this.states.load([...ids])) this.apply(row, false, readFromSeq);
      });
      this.#batch = { ids, run };
    }
    this.#batch.ids.add(id);
    await this.#batch.run;
    return this.#entries.get(id);
  }
}
