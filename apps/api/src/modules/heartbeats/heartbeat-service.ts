import type { ConnectionConfig, Finding, HeartbeatBody, HeartbeatReply, NodeStage } from '@iamroll/contracts';
import { isClockAhead, MAX_CLOCK_AHEAD_MS, type FleetRates, type NodeRoutes } from '@iamroll/core/rates';
import { AppError } from '../../errors';
import type { DatabaseDirectory, DatabaseEntry } from '../databases/database-directory';
import { isReportOf, isSameJson, nextDetailsOf, reportOf } from '../nodes/node-report';
import type { NodeRegistry } from '../nodes/node-registry';
import { applyPeerNode, type OwnHeartbeat } from './fleet-aggregates';
import { snapshotOf } from './heartbeat-record';
import type { PeerNodeEntry } from './replication-entries';
import { findSecret } from './secret-scan';
import type { PreflightHeartbeatHook } from '../preflight/heartbeat-hook';

/**
 * Heartbeat fields whose schema admits no free text, so no secret (validated before the handler
 * runs): timestamps (`date-time`), enums, integers and the counters' numbers. The secret scan
 * skips them (secret-scan.test.ts checks each against the contract).
 */
export const TYPED_HEARTBEAT_FIELDS = [
  'seq',
  'sentAt',
  'countersSince',
  'intervalMs',
  'role',
  'status',
  'counters',
] as const;
const SKIP_TYPED = new Set<string>(TYPED_HEARTBEAT_FIELDS);
const SKIP_TYPED_AND_CONFIG = new Set<string>([...TYPED_HEARTBEAT_FIELDS, 'config']);

/** How long after a planned switch start (`switchAt`) replies still carry it. */
const SWITCH_AT_REPLY_MS = 5_000;

export interface HeartbeatServiceDeps {
  readonly registry: NodeRegistry;
  readonly directory: DatabaseDirectory;
  readonly fleet: FleetRates;
  /** Hands each accepted heartbeat to what this process publishes to the other API processes (fleet-aggregates.ts). */
  readonly forward: (heartbeat: OwnHeartbeat) => void;
  readonly nowMs: () => number;
  /** What the reply tells agents (default 1000 ms). */
  readonly replyIntervalMs?: number | ((nodeId: string, routes: NodeRoutes) => number);
  /** Preflight (issue 12, modules/preflight/heartbeat-hook.ts): a memory lookup; stores a report when one comes. */
  readonly preflight?: PreflightHeartbeatHook;
  /**
   * A node's very first heartbeat: its desired stage becomes the stage it reports (stored only while
   * the row has never been seen), so enrolling a node already on IAM never switches it back.
   */
  readonly adoptReportedStage?: (nodeId: string, stage: NodeStage, restore: 'original' | null) => Promise<boolean>;
}

/**
 * What a newly enrolled node is asked to stay on: the stage it reports. A mixed node (read-write on
 * IAM, read-only on its password) reads `rw_iam`, and `rw_iam` alone would move it forward: with
 * `restore: "original"` and no backup yet, its agent keeps the file it started with.
 */
function reportedDesire(config: HeartbeatBody['config']): { stage: NodeStage; restore: 'original' | null } {
  const isMixed = config.rw?.iam === true && config.ro !== null && !config.ro.iam;
  return { stage: config.stage, restore: isMixed ? 'original' : null };
}

const KIND_KEYS = { rw: 'pg_host', ro: 'pg_ro_host' } as const;

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

function isSameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  let count = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    count += 1;
  }
  return Object.keys(b).length === count;
}

const isSameRoute = (
  route: NodeRoutes['rw'],
  database: DatabaseEntry | undefined,
  connection: ConnectionConfig | null,
): boolean =>
  database && connection ? route?.databaseId === database.id && route.isIam === connection.iam : route === undefined;

/**
 * The node's FleetRates routes for this heartbeat: the object it already has when they did not
 * change (nearly every heartbeat), so none is rebuilt, compared as a string or kept a beat.
 */
function routesOf(
  previous: NodeRoutes | undefined,
  rw: DatabaseEntry | undefined,
  ro: DatabaseEntry | undefined,
  config: HeartbeatBody['config'],
  heartbeatIntervalMs: number,
): NodeRoutes {
  if (
    previous?.heartbeatIntervalMs === heartbeatIntervalMs &&
    isSameRoute(previous.rw, rw, config.rw) &&
    isSameRoute(previous.ro, ro, config.ro)
  )
    return previous;
  return {
    ...(rw && config.rw ? { rw: { databaseId: rw.id, isIam: config.rw.iam } } : {}),
    ...(ro && config.ro ? { ro: { databaseId: ro.id, isIam: config.ro.iam } } : {}),
    heartbeatIntervalMs,
  };
}

/** The controller's own finding when an endpoint matches no registered database (its budget goes untracked). */
function unknownDatabase(kind: 'rw' | 'ro', connection: ConnectionConfig): Finding {
  return {
    rule: 'controller/unknown-database',
    severity: 'warning',
    key: KIND_KEYS[kind],
    message: `${kind === 'rw' ? 'The read-write' : 'The read-only'} endpoint ${connection.host}:${connection.port} matches no registered database, so its IAM rate budget is not tracked.`,
    fix: `Register it with this host and port: POST /api/v1/databases (admin), or Databases → Add in the dashboard.`,
  };
}

/** The controller's own finding when the agent's clock runs ahead (its sentAt is clamped, boots ordered by arrival). */
function clockAhead(aheadMs: number): Finding {
  return {
    rule: 'controller/clock-ahead',
    severity: 'warning',
    key: 'sentAt',
    message: `This node's clock is ${Math.round(aheadMs / 1000)} s ahead of the controller's: its heartbeats are ordered by the controller's clock instead (sentAt is taken as at most ${MAX_CLOCK_AHEAD_MS / 1000} s ahead).`,
    fix: 'Synchronise the host clock (NTP, chrony or systemd-timesyncd), then restart the agent.',
  };
}

/**
 * The heartbeat hot path: no query per request. The node comes from the in-memory
 * registry, its database from the directory, its counters go into FleetRates, and
 * what must reach PostgreSQL waits in the registry for NodeSync's next batch.
 */
export function createHeartbeatService({
  registry,
  directory,
  fleet,
  forward,
  nowMs,
  replyIntervalMs = 1_000,
  preflight: preflightHook,
  adoptReportedStage,
}: HeartbeatServiceDeps) {
  const match = (connection: ConnectionConfig | null): DatabaseEntry | undefined =>
    connection ? directory.match(connection.host, connection.port) : undefined;

  return {
    async receive(credentialNodeId: string, nodeId: string, body: HeartbeatBody): Promise<HeartbeatReply> {
      if (credentialNodeId !== nodeId)
        throw AppError.forbidden(
          "This agent credential belongs to another node: send heartbeats to your own node's URL.",
        );
      // The config this node last had accepted here (set only by this path, so it passed this scan),
      // sent again unchanged on nearly every heartbeat: its strings are not scanned again.
      const known = registry.get(nodeId);
      const checked = known?.details;
      const isConfigSame = checked !== undefined && isSameJson(checked.config, body.config);
      const secret = findSecret(body, 'body', isConfigSame ? SKIP_TYPED_AND_CONFIG : SKIP_TYPED);
      if (secret) {
        throw new AppError(
          'validation',
          `${secret.path} looks like it contains ${secret.looksLike}. Agents must never send secrets: remove it (nothing from this heartbeat was stored).`,
          [{ path: secret.path, message: `looks like ${secret.looksLike}` }],
        );
      }
      const entry = known ?? (await registry.ensure(nodeId));
      if (!entry) throw AppError.notFound('The node');

      const receivedAtMs = nowMs();
      const { config } = body;
      const rw = match(config.rw);
      const ro = match(config.ro);
      const routes = routesOf(entry.routes, rw, ro, config, body.intervalMs);
      registry.route(entry, routes);
      // Nobody asked anything of it yet (the enrollment default): a stage set before it spoke stays.
      const isFirstHeartbeat =
        entry.lastSeenMs === undefined &&
        entry.report === undefined &&
        entry.desiredStage === 'password' &&
        entry.restore === null;
      if (isFirstHeartbeat && adoptReportedStage) {
        const desire = reportedDesire(config);
        if (desire.stage !== 'password' && (await adoptReportedStage(nodeId, desire.stage, desire.restore))) {
          registry.desire(entry, { desiredStage: desire.stage, restore: desire.restore });
        }
      }
      const snapshot = snapshotOf(body);
      const delta = fleet.ingestHeartbeat(nodeId, snapshot, receivedAtMs);
      entry.lastSeenMs = Math.max(entry.lastSeenMs ?? receivedAtMs, receivedAtMs);

      // A late heartbeat (older seq or boot) says nothing newer about the node: rates and state ignore it.
      if (delta.status !== 'out-of-order') {
        // The controller's own findings: rare, so the agent's array is used as it is when there are none.
        const own: Finding[] = [];
        if (isClockAhead(snapshot.sentAtMs, receivedAtMs)) own.push(clockAhead(snapshot.sentAtMs - receivedAtMs));
        if (body.role !== 'data_plane') {
          if (config.rw && !rw) own.push(unknownDatabase('rw', config.rw));
          if (config.ro && !ro) own.push(unknownDatabase('ro', config.ro));
        }
        const findings: readonly Finding[] = own.length === 0 ? body.findings : [...body.findings, ...own];
        // What did not change keeps its object (and none is built to compare): a node's state outlives many
        // scavenges, so a copy per heartbeat would be promoted and become old-generation garbage a beat later.
        const rwDatabaseId = rw?.id ?? null;
        const roDatabaseId = ro?.id ?? null;
        if (!entry.report || !isReportOf(entry.report, body, rwDatabaseId, roDatabaseId))
          entry.report = reportOf(body, rwDatabaseId, roDatabaseId);
        entry.details = nextDetailsOf(
          entry.details,
          config,
          findings,
          entry.details === checked ? isConfigSame : undefined,
        );
        const labels = body.labels ?? NO_LABELS;
        const transition = body.transition ?? null;
        if (transition !== null || entry.agent?.transition !== null || !isSameLabels(entry.agent.labels, labels))
          entry.agent = { labels, transition };
        // The last accepted snapshot (a retried duplicate changes only the time).
        entry.liveness = { lastSeenMs: receivedAtMs, snapshot: fleet.node(nodeId)?.last ?? snapshot };
        registry.touched.add(entry);
        forward({ nodeId, receivedAtMs, snapshot, delta, routes });
      }
      // ---- preflight (issue 12): the pending request for the reply; a report is stored first.
      const preflight = preflightHook ? await preflightHook(nodeId, body, receivedAtMs) : undefined;
      // ---- end of preflight
      return {
        desiredStage: entry.desiredStage,
        ...(entry.finalize ? { finalize: entry.finalize } : {}),
        ...(preflight ? { preflight } : {}),
        ...(entry.restore ? { restore: entry.restore } : {}),
        // A planned start, also a little after it passed: an agent that hears it late waits for the next whole second.
        ...(entry.switchAtMs !== null && receivedAtMs - entry.switchAtMs < SWITCH_AT_REPLY_MS
          ? { switchAt: new Date(entry.switchAtMs).toISOString() }
          : {}),
        intervalMs: typeof replyIntervalMs === 'number' ? replyIntervalMs : replyIntervalMs(nodeId, routes),
        serverTime: new Date(receivedAtMs).toISOString(),
      };
    },

    /**
     * Nodes other API processes heard (their entries, in order): liveness, the snapshot to diff the
     * next delta against, the node's own attempts and failures. The database rates come per second
     * (fleet-aggregates.ts). Returns the entries applied (a decommissioned node's are not).
     */
    async applyForwarded(nodes: readonly PeerNodeEntry[]): Promise<number> {
      const unknown = nodes.filter((node) => !registry.get(node.nodeId));
      if (unknown.length > 0) await Promise.all(unknown.map((node) => registry.ensure(node.nodeId)));
      let applied = 0;
      for (const node of nodes) {
        const entry = registry.get(node.nodeId);
        if (!entry) continue;
        applyPeerNode(fleet, node);
        entry.lastSeenMs = Math.max(entry.lastSeenMs ?? node.seenMs, node.seenMs);
        applied += 1;
      }
      return applied;
    },
  };
}

export type HeartbeatService = ReturnType<typeof createHeartbeatService>;
