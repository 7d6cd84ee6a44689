import { databaseFigures, secondOf, type FleetRates, type NodeRoutes } from '@iamroll/core/rates';
import type { DatabaseDirectory } from '../databases/database-directory';
import type { NodeRegistry } from '../nodes/node-registry';

/**
 * What an idle node is asked for by default (`IAMROLL_HEARTBEAT_KEEP_ALIVE_MS`): Kong's own data planes ping
 * every 30 s; a third of that keeps staleness quick. A small controller of a large fleet may ask for 30 s:
 * idle nodes are most of a fleet's heartbeats, and their counters do not move (apps/api/README.md § Sizing).
 */
export const KEEP_ALIVE_MS = 10_000;
/** Nodes whose every second matters: in a rollout wave, or on a database near its budget. */
export const HOT_INTERVAL_MS = 1_000;
/**
 * The few nodes a rollout switches next (`useHotNodes`' second predicate): a switch waits for the
 * node's next heartbeat to be heard, and the pacing holds its burst in flight meanwhile. Agents
 * still announce (and are called stale against) at least 1 s.
 */
export const IMMINENT_INTERVAL_MS = 250;

export interface ReplyIntervalDeps {
  readonly fleet: FleetRates;
  readonly directory: DatabaseDirectory;
  readonly registry: NodeRegistry;
  readonly nowMs: () => number;
  /** The keep-alive of idle nodes now (default KEEP_ALIVE_MS; create-fleet.ts: the keep-alive governor's). */
  readonly keepAliveMs?: () => number;
}

/**
 * The reply's `intervalMs`: the keep-alive a node heartbeats at when its counters do not
 * move (it reports at once when they do). 250 ms for the few nodes the rollout switches next, 1 s for a node the rollout has in its wave
 * (`useHotNodes`: the rollout reconciler's seam), for a node whose desired stage is not
 * the stage it reports (it is switching: its progress matters), or whose database is at or above its
 * warning share of the budget (10 s average); the keep-alive (10 s unless configured, longer while this process's event loop is busy:
 * keep-alive-governor.ts) otherwise. The node announces it in
 * its next heartbeats, and staleness counts against that (three missed keep-alives).
 * A database's state is computed once a second, not once a heartbeat.
 */
export function createReplyInterval({
  fleet,
  directory,
  registry,
  nowMs,
  keepAliveMs = () => KEEP_ALIVE_MS,
}: ReplyIntervalDeps) {
  let isNodeHot: (nodeId: string) => boolean = () => false;
  let isNodeImminent: (nodeId: string) => boolean = () => false;
  const nearBudget = new Map<string, { readonly second: number; readonly isNear: boolean }>();

  const isNearBudget = (databaseId: string, now: number): boolean => {
    const second = secondOf(now);
    const cached = nearBudget.get(databaseId);
    if (cached?.second === second) return cached.isNear;
    const database = directory.get(databaseId);
    const isNear =
      database !== undefined &&
      databaseFigures(fleet, databaseId, now).ratePerSecond >= database.budgetPerSecond * database.warningThreshold;
    nearBudget.set(databaseId, { second, isNear });
    return isNear;
  };

  return {
    /** The interval to reply to this node's heartbeat with. */
    intervalFor(nodeId: string, routes: NodeRoutes): number {
      if (isNodeImminent(nodeId)) return IMMINENT_INTERVAL_MS;
      if (isNodeHot(nodeId)) return HOT_INTERVAL_MS;
      const entry = registry.get(nodeId);
      if (entry?.report && entry.desiredStage !== entry.report.stage) return HOT_INTERVAL_MS;
      const now = nowMs();
      const rw = routes.rw?.databaseId;
      const ro = routes.ro?.databaseId;
      if ((rw && isNearBudget(rw, now)) || (ro && isNearBudget(ro, now))) return HOT_INTERVAL_MS;
      return keepAliveMs();
    },
    /**
     * The rollout reconciler's seam: which nodes are in a wave now (1 s), and optionally which few
     * it switches next (250 ms). Both are asked on every heartbeat: keep them O(1).
     */
    useHotNodes(predicate: (nodeId: string) => boolean, imminent?: (nodeId: string) => boolean): void {
      isNodeHot = predicate;
      isNodeImminent = imminent ?? (() => false);
    },
  };
}

export type ReplyInterval = ReturnType<typeof createReplyInterval>;
