import type pg from 'pg';
import type { Registry } from 'prom-client';
import { BackgroundLoops } from '../../background-loops';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import { AlarmNudge } from '../alarms/alarm-nudge';
import { DatabaseDirectory } from '../databases/database-directory';
import type { DatabasesRepository } from '../databases/databases-repository';
import { NodeRegistry } from '../nodes/node-registry';
import type { NodeStateRepository } from '../nodes/node-state-repository';
import { NodeSync } from '../nodes/node-sync';
import { createReportBatchWriter } from '../nodes/write-report-batch';
import { createRatesMemory } from '../rates/rates-memory';
import { registerFleetMetrics } from './fleet-metrics';
import { FleetAggregates } from './fleet-aggregates';
import { FleetReplication } from './fleet-replication';
import { decodeEntries } from './replication-entries';
import { createHeartbeatService } from './heartbeat-service';
import { createKeepAliveGovernor, KEEP_ALIVE_MAX_MS } from './keep-alive-governor';
import { createReplyInterval, KEEP_ALIVE_MS } from './reply-interval';
import { createPreflightFleet } from '../preflight/preflight-fleet';

const DATABASES_CHANGED = 'databases';
/** Signal `node-decommissioned:<id>`: the other processes drop the node too. */
const NODE_DECOMMISSIONED = 'node-decommissioned:';
/**
 * Signal `credential-revoked:<credential id>`, sent by PostgreSQL itself (the
 * agent_credential_revoked trigger) when the revocation commits: every process drops it.
 */
const CREDENTIAL_REVOKED = 'credential-revoked:';

export interface FleetLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface FleetDeps {
  readonly pool: pg.Pool;
  /** For the replication listener's own connection. */
  readonly databaseUrl: string;
  readonly log: FleetLogger;
  readonly events: EventBus;
  readonly metrics: Registry;
  /** Drops a decommissioned node's cached agent credentials. */
  readonly forgetAgentNode: (nodeId: string) => void;
  readonly forgetAgentCredential: (credentialId: string) => void;
  readonly repositories: {
    readonly databases: DatabasesRepository;
    readonly nodeStates: NodeStateRepository;
    readonly audit: AuditRepository;
  };
  readonly nowMs: () => number;
  /** What idle nodes are asked to heartbeat at (reply-interval.ts; default KEEP_ALIVE_MS). */
  readonly keepAliveMs?: number;
  /** The longest keep-alive a busy event loop may ask of idle nodes (keep-alive-governor.ts; default KEEP_ALIVE_MAX_MS). */
  readonly keepAliveMaxMs?: number;
  /** The governor's event-loop sampler (tests drive it); default `performance.eventLoopUtilization`. */
  readonly sampleLoopUtilisation?: () => number;
}

/**
 * The fleet held in memory by every API process: registered databases, every
 * node, and per-second rates of all heartbeats (this process's and, through
 * FleetAggregates and FleetReplication, every other one's per-second increments). `start` loads it (then starts `loops`,
 * which workers.ts fills); `stop` tears it down. Leader workers wait for `loaded`
 * so they never judge an empty fleet (which would resolve every open alarm).
 */
export function createFleet({
  pool,
  databaseUrl,
  log,
  events,
  metrics,
  forgetAgentNode,
  forgetAgentCredential,
  repositories,
  nowMs,
  keepAliveMs = KEEP_ALIVE_MS,
  keepAliveMaxMs = KEEP_ALIVE_MAX_MS,
  sampleLoopUtilisation,
}: FleetDeps) {
  const memory = createRatesMemory(nowMs());
  const directory = new DatabaseDirectory(() => repositories.databases.loadDirectory());
  const registry = new NodeRegistry(repositories.nodeStates, memory.fleet);
  const writeReportBatch = createReportBatchWriter({
    pool,
    states: repositories.nodeStates,
    audit: repositories.audit,
    events,
  });
  const sync = new NodeSync(registry, repositories.nodeStates, writeReportBatch, log);
  const loops = new BackgroundLoops(log);
  const alarmNudge = new AlarmNudge(memory.fleet, directory);
  const aggregates = new FleetAggregates(memory.fleet);
  const reloadDirectory = () =>
    directory.refresh().catch((error: unknown) => log.warn({ err: error }, 'reloading databases failed'));
  const dropNode = (nodeId: string) => {
    registry.remove(nodeId);
    aggregates.forget(nodeId);
    forgetAgentNode(nodeId);
  };
  // The callbacks run only once started, when `heartbeats` exists.
  const replication = new FleetReplication(
    pool,
    databaseUrl,
    log,
    aggregates,
    async (entries) => {
      const { databases, nodes, malformed } = decodeEntries(entries);
      if (malformed > 0) log.warn({ malformed }, 'ignored malformed entries from another API process');
      let databaseSeconds = 0;
      for (const increments of databases) {
        aggregates.applyDatabase(increments);
        databaseSeconds += increments.seconds.length;
        // A peer's second over the budget, or its throttle, asks the leader for an evaluation now.
        const newest = increments.seconds[increments.seconds.length - 1];
        if (newest) alarmNudge.observe([increments.databaseId], newest.second * 1_000);
        if (increments.lastThrottledAtMs !== undefined)
          alarmNudge.observe([increments.databaseId], increments.lastThrottledAtMs);
      }
      for (const node of nodes) aggregates.notePeerSeen(node.nodeId, node.seenMs);
      return { nodes: await heartbeats.applyForwarded(nodes), databaseSeconds };
    },
    (kind) => {
      if (kind === DATABASES_CHANGED) void reloadDirectory();
      else if (kind.startsWith(NODE_DECOMMISSIONED)) dropNode(kind.slice(NODE_DECOMMISSIONED.length));
      else if (kind.startsWith(CREDENTIAL_REVOKED)) forgetAgentCredential(kind.slice(CREDENTIAL_REVOKED.length));
    },
  );
  const keepAlive = createKeepAliveGovernor({
    baseMs: keepAliveMs,
    maxMs: keepAliveMaxMs,
    ...(sampleLoopUtilisation ? { sampleUtilisation: sampleLoopUtilisation } : {}),
  });
  const replyInterval = createReplyInterval({
    fleet: memory.fleet,
    directory,
    registry,
    nowMs,
    keepAliveMs: () => keepAlive.keepAliveMs,
  });
  const preflight = createPreflightFleet({ pool, events, log }); // issue 12: modules/preflight
  const heartbeats = createHeartbeatService({
    registry,
    directory,
    fleet: memory.fleet,
    replyIntervalMs: (nodeId, routes) => replyInterval.intervalFor(nodeId, routes),
    forward: (heartbeat) => {
      aggregates.record(heartbeat);
      const { routes } = heartbeat;
      alarmNudge.observe([routes.rw?.databaseId, routes.ro?.databaseId], heartbeat.receivedAtMs);
    },
    nowMs,
    preflight: preflight.onHeartbeat,
    adoptReportedStage: async (nodeId, stage, restore) => {
      const { rowCount } = await pool.query(
        `UPDATE nodes SET desired_stage = $2::node_stage, restore = $3, updated_at = clock_timestamp()
          WHERE id = $1 AND last_seen_at IS NULL AND desired_stage = 'password' AND restore IS NULL`,
        [nodeId, stage, restore],
      );
      return rowCount === 1;
    },
  });
  registerFleetMetrics(metrics, registry, replication, alarmNudge, keepAlive);

  let markLoaded: () => void = () => undefined;
  let failLoading: (error: Error) => void = () => undefined;
  const loaded = new Promise<void>((resolve, reject) => {
    markLoaded = resolve;
    failLoading = reject;
  });
  loaded.catch(() => undefined); // workers see the failure; the app's ready() reports it

  return {
    memory,
    directory,
    registry,
    sync,
    replication,
    heartbeats,
    alarmNudge,
    /** The reply's intervalMs; the rollout reconciler feeds `useHotNodes`. */
    replyInterval,
    /** The idle keep-alive under load: `tickKeepAlive` samples the event loop (workers.ts, every second). */
    keepAlive,
    tickKeepAlive: (): void => {
      const change = keepAlive.tick(nowMs());
      if (!change) return;
      log.info(
        { fromMs: change.fromMs, toMs: change.toMs, eventLoopUtilisation: change.utilisation },
        `idle nodes' keep-alive ${change.fromMs / 1_000} s → ${change.toMs / 1_000} s: event loop ${Math.round(change.utilisation * 100)}% busy`,
      );
    },
    preflight,
    loops,
    loaded,
    /** Before any heartbeat is served: databases, then nodes (seeding rates), then listening and the loops. */
    async start(): Promise<void> {
      try {
        await directory.refresh();
        await registry.loadAll();
        await preflight.start();
        sync.start();
        await replication.start();
        loops.start();
        markLoaded();
      } catch (error) {
        failLoading(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    },
    /** Once no request is in flight: loops first (none runs during what follows), then the final sends and writes. */
    async stop(): Promise<void> {
      await loops.stop();
      preflight.stop();
      await replication.stop();
      await sync.stop();
    },
    reloadDirectory,
    /** After a database is created or changed: this process reloads now, the others on the signal. */
    databasesChanged: async (): Promise<void> => {
      await directory.refresh();
      await replication.signal(DATABASES_CHANGED);
    },
    /** After a node is decommissioned (committed): this process drops it now, the others on the signal. */
    nodeDecommissioned: async (nodeId: string): Promise<void> => {
      dropNode(nodeId);
      await replication.signal(`${NODE_DECOMMISSIONED}${nodeId}`);
    },
  };
}

export type Fleet = ReturnType<typeof createFleet>;
