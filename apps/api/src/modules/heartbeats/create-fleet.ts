import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { DatabaseDirectory } from '../databases/database-directory';
import type { DatabasesRepository } from '../databases/databases-repository';
import { NodeRegistry } from '../nodes/node-registry';
import type { NodeStateRepository } from '../nodes/node-state-repository';
import { NodeSync } from '../nodes/node-sync';
import { createReportBatchWriter } from '../nodes/write-report-batch';
import type { AuditRepository } from '../audit/audit-repository';
import { createRatesMemory } from '../rates/rates-memory';
import { FleetReplication } from './fleet-replication';
import { createHeartbeatService } from './heartbeat-service';

const DIRECTORY_REFRESH_MS = 30_000;
const DATABASES_CHANGED = 'databases';
/** Signal `node-decommissioned:<id>`: the other processes drop the node too. */
const NODE_DECOMMISSIONED = 'node-decommissioned:';

/** What an operator checks when rates look wrong across processes. */
function registerFleetMetrics(metrics: Registry, registry: NodeRegistry, replication: FleetReplication): void {
  new Gauge({
    name: 'iamroll_fleet_nodes',
    help: 'Nodes held in memory by this process.',
    registers: [metrics],
    collect() {
      this.set(registry.size);
    },
  });
  new Gauge({
    name: 'iamroll_fleet_records_forwarded',
    help: 'Heartbeats this process forwarded to the other API processes (sent) or applied from them (received), since start.',
    labelNames: ['direction'] as const,
    registers: [metrics],
    collect() {
      this.set({ direction: 'sent' }, replication.counts.sent);
      this.set({ direction: 'received' }, replication.counts.received);
    },
  });
}

/**
 * The fleet held in memory by every API process: registered databases, every
 * node, and per-second rates of all heartbeats (this process's and, through
 * FleetReplication, every other one's). Loaded when the app is ready; NodeSync
 * writes it back in batches. Leader workers wait for `loaded` so they never
 * judge an empty fleet (which would resolve every open alarm).
 */
export function createFleet(
  app: FastifyInstance,
  databaseUrl: string,
  repositories: {
    readonly databases: DatabasesRepository;
    readonly nodeStates: NodeStateRepository;
    readonly audit: AuditRepository;
  },
  nowMs: () => number,
) {
  const memory = createRatesMemory(nowMs());
  const directory = new DatabaseDirectory(() => repositories.databases.loadDirectory());
  const registry = new NodeRegistry(repositories.nodeStates, memory.fleet);
  const writeReportBatch = createReportBatchWriter({
    pool: app.pg,
    states: repositories.nodeStates,
    audit: repositories.audit,
    events: app.events,
  });
  const sync = new NodeSync(registry, repositories.nodeStates, writeReportBatch, app.log);
  const reloadDirectory = () =>
    directory.refresh().catch((error: unknown) => app.log.warn({ err: error }, 'reloading databases failed'));
  // The callbacks run only once started (onReady), when `heartbeats` exists.
  const replication = new FleetReplication(
    app.pg,
    databaseUrl,
    app.log,
    (records) => heartbeats.applyForwarded(records),
    (kind) => {
      if (kind === DATABASES_CHANGED) void reloadDirectory();
      else if (kind.startsWith(NODE_DECOMMISSIONED)) dropNode(kind.slice(NODE_DECOMMISSIONED.length));
    },
  );
  const dropNode = (nodeId: string) => {
    registry.remove(nodeId);
    app.agentCredentials.forgetNode(nodeId);
  };
  const heartbeats = createHeartbeatService({
    registry,
    directory,
    fleet: memory.fleet,
    forward: (record) => replication.enqueue(record),
    nowMs,
  });
  registerFleetMetrics(app.metrics, registry, replication);

  let markLoaded: () => void = () => undefined;
  let failLoading: (error: Error) => void = () => undefined;
  const loaded = new Promise<void>((resolve, reject) => {
    markLoaded = resolve;
    failLoading = reject;
  });
  loaded.catch(() => undefined); // workers see the failure; the app's ready() reports it
  app.addHook('onReady', async () => {
    try {
      await directory.refresh();
      await registry.loadAll();
      sync.start();
      await replication.start();
      markLoaded();
    } catch (error) {
      failLoading(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  });
  // A safety net for a missed signal (the listener was reconnecting).
  const directoryTimer = setInterval(() => void reloadDirectory(), DIRECTORY_REFRESH_MS).unref();
  app.addHook('preClose', async () => {
    clearInterval(directoryTimer);
    await replication.stop();
    await sync.stop();
  });
  /** After a database is created or changed: this process reloads now, the others on the signal. */
  const databasesChanged = async () => {
    await directory.refresh();
    await replication.signal(DATABASES_CHANGED);
  };
  /** After a node is decommissioned (committed): this process drops it now, the others on the signal. */
  const nodeDecommissioned = async (nodeId: string) => {
    dropNode(nodeId);
    await replication.signal(`${NODE_DECOMMISSIONED}${nodeId}`);
  };
  return { memory, directory, registry, sync, replication, heartbeats, loaded, databasesChanged, nodeDecommissioned };
}

export type Fleet = ReturnType<typeof createFleet>;
