import type {
  DecommissionNodeBody,
  NodeDetail,
  NodeList,
  NodePlan,
  NodePlanQuery,
  NodesQuery,
  NodeView,
} from '@iamroll/contracts';
import type { PrismaClient } from '../../db/prisma-client';
import { AppError } from '../../errors';
import type { EventBus } from '../../plugins/event-bus';
import { toAlarmView } from '../alarms/alarm-view';
import type { AlarmsRepository } from '../alarms/alarms-repository';
import type { AuditRepository } from '../audit/audit-repository';
import type { Actor } from '../auth/principal';
import type { RatesService } from '../rates/rates-service';
import { planNode } from './node-plan';
import type { NodeRegistry } from './node-registry';
import { configOf, findingsOf, toNodeView } from './node-view';
import type { NodesRepository } from './nodes-repository';

const RECENT_RATES_SECONDS = 300;
const RECENT_EVENTS = 20;

export interface NodesServiceDeps {
  readonly prisma: PrismaClient;
  readonly nodes: NodesRepository;
  readonly alarms: AlarmsRepository;
  readonly registry: NodeRegistry;
  readonly audit: AuditRepository;
  readonly events: EventBus;
  readonly rates: RatesService;
  /** After the decommission committed: drop the node from memory here and on every other process. */
  readonly onDecommissioned: (nodeId: string) => Promise<void>;
  readonly nowMs: () => number;
}

export function createNodesService({
  prisma,
  nodes,
  alarms,
  registry,
  audit,
  events,
  rates,
  onDecommissioned,
  nowMs,
}: NodesServiceDeps) {
  /** What memory knows of last heartbeats, which the rows trail by up to a flush. */
  function memoryLastSeen() {
    const ids: string[] = [];
    const lastSeenMs: number[] = [];
    for (const entry of registry.all()) {
      if (entry.lastSeenMs === undefined) continue;
      ids.push(entry.id);
      lastSeenMs.push(entry.lastSeenMs);
    }
    return { ids, lastSeenMs };
  }

  return {
    async list(query: NodesQuery): Promise<NodeList> {
      const now = nowMs();
      const [staleIds, alarmedIds] = await Promise.all([
        query.status === 'stale' ? nodes.staleIds(now, memoryLastSeen()) : undefined,
        query.hasAlarm === undefined ? undefined : nodes.alarmedIds(),
      ]);
      const { rows, total } = await nodes.list(query, {
        ...(staleIds ? { staleIds } : {}),
        ...(alarmedIds ? { alarmedIds } : {}),
      });
      return { items: rows.map((row) => toNodeView(row, now, registry.get(row.id)?.lastSeenMs)), total };
    },

    async get(id: string): Promise<NodeDetail> {
      const row = await nodes.findById(id);
      if (!row) throw AppError.notFound('The node');
      const events = await audit.list({ subjectType: 'node', subjectId: id, limit: RECENT_EVENTS, offset: 0 });
      return {
        node: toNodeView(row, nowMs(), registry.get(id)?.lastSeenMs),
        findings: findingsOf(row),
        config: configOf(row),
        rates: rates.recentNodeSeconds(id, RECENT_RATES_SECONDS),
        failures: rates.recentNodeFailures(id, RECENT_RATES_SECONDS),
        recentEvents: events.items,
      };
    },

    /** The edit the node's next stage (or `query.stage`) takes, planned from its reported settings. */
    async plan(id: string, query: NodePlanQuery): Promise<NodePlan> {
      const row = await nodes.findById(id);
      if (!row) throw AppError.notFound('The node');
      return planNode(row, configOf(row), query.stage);
    },

    /**
     * Takes a node out of the fleet for good (soft delete): its agent credentials are
     * revoked, its open alarms resolved, the row marked, with audit entries and events
     * in one transaction; then every API process drops it from memory and FleetRates.
     */
    async decommission(actor: Actor, id: string, body: DecommissionNodeBody): Promise<NodeView> {
      const at = new Date(nowMs());
      const by = actor.actorName ?? actor.actorId ?? actor.actorType;
      const row = await prisma.$transaction(async (tx) => {
        const current = await nodes.findById(id, tx);
        if (!current) throw AppError.notFound('The node');
        if (current.decommissionedAt)
          throw AppError.conflict(
            `The node ${current.hostname} was already decommissioned at ${current.decommissionedAt.toISOString()}.`,
          );
        const decommissioned = await nodes.decommission(id, by, at, tx);
        if (!decommissioned) throw AppError.conflict(`The node ${current.hostname} was already decommissioned.`);
        const credentialIds = await nodes.revokeCredentials(id, at, tx);
        const resolved = await alarms.resolveForSubject('node', id, at, tx);
        await audit.record(
          {
            actor,
            action: 'node.decommission',
            subjectType: 'node',
            subjectId: id,
            reason: body.reason,
            data: {
              hostname: current.hostname,
              revokedCredentials: credentialIds.length,
              resolvedAlarms: resolved.length,
            },
          },
          tx,
        );
        for (const alarm of resolved) {
          await audit.record(
            {
              actor,
              action: 'alarm.resolve',
              subjectType: alarm.subjectType,
              subjectId: alarm.subjectId ?? undefined,
              reason: body.reason,
              data: { alarmId: alarm.id, key: alarm.key, kind: alarm.kind },
            },
            tx,
          );
          await events.notifyIn(tx, 'alarm.resolved', toAlarmView(alarm));
        }
        await events.notifyIn(tx, 'node.decommissioned', { id, hostname: current.hostname, by });
        return decommissioned;
      });
      await onDecommissioned(id);
      return toNodeView(row, nowMs(), undefined);
    },
  };
}

export type NodesService = ReturnType<typeof createNodesService>;
