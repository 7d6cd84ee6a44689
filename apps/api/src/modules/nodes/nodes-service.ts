import type { NodeDetail, NodeList, NodesQuery } from '@iamroll/contracts';
import { AppError } from '../../errors';
import type { AuditRepository } from '../audit/audit-repository';
import type { RatesService } from '../rates/rates-service';
import type { NodeRegistry } from './node-registry';
import { configOf, findingsOf, toNodeView } from './node-view';
import type { NodesRepository } from './nodes-repository';

const RECENT_RATES_SECONDS = 300;
const RECENT_EVENTS = 20;

export interface NodesServiceDeps {
  readonly nodes: NodesRepository;
  readonly registry: NodeRegistry;
  readonly audit: AuditRepository;
  readonly rates: RatesService;
  readonly nowMs: () => number;
}

export function createNodesService({ nodes, registry, audit, rates, nowMs }: NodesServiceDeps) {
  return {
    async list(query: NodesQuery): Promise<NodeList> {
      const { rows, total } = await nodes.list(query);
      const now = nowMs();
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
        recentEvents: events.items,
      };
    },
  };
}

export type NodesService = ReturnType<typeof createNodesService>;
