import type { HeartbeatBody, PreflightRequest } from '@iamroll/contracts';
import type pg from 'pg';
import { inTransaction } from '../../db/sql';
import type { EventBus } from '../../plugins/event-bus';
import type { PreflightMemory } from './preflight-memory';
import { verdictOf } from './preflight-memory';
import type { PreflightRepository } from './preflight-repository';

// The preflight part of the heartbeat hot path (called from modules/heartbeats/heartbeat-service.ts):
// a Map lookup per heartbeat. Only two rare things touch PostgreSQL: a report (the agent sends
// it once per request: stored with its event in one transaction before the reply) and a change of
// the agent's capabilities (once per agent boot at most: written in the background).

export interface PreflightHookLogger {
  warn(object: object, message: string): void;
}

export interface PreflightHookDeps {
  readonly memory: PreflightMemory;
  readonly repository: PreflightRepository;
  readonly pool: pg.Pool;
  readonly events: EventBus;
  readonly log: PreflightHookLogger;
}

/** What `preflight.onHeartbeat` returns: the request for the reply (if any), maybe after storing a report. */
export type PreflightHeartbeatHook = (
  nodeId: string,
  body: HeartbeatBody,
  receivedAtMs: number,
) => PreflightRequest | undefined | Promise<PreflightRequest | undefined>;

export const PREFLIGHT_EVENT = 'node.preflight';

export function createPreflightHeartbeatHook({ memory, repository, pool, events, log }: PreflightHookDeps) {
  const requestOf = (nodeId: string): PreflightRequest | undefined => {
    const entry = memory.get(nodeId);
    const pending = entry?.isCapable ? entry.pending : null;
    return pending ? { requestId: pending.requestId, stages: [...pending.stages] } : undefined;
  };

  async function storeReport(nodeId: string, body: HeartbeatBody, receivedAtMs: number) {
    const report = body.preflight!;
    await inTransaction(pool, async (client) => {
      await repository.storeReport(nodeId, report.requestId, report.results, new Date(receivedAtMs), client);
      const isPassed = report.results.every((result) => result.isPassed);
      await events.notifyManyIn(client, [
        events.payload(PREFLIGHT_EVENT, { nodeIds: [nodeId], stages: report.results.map((r) => r.stage), isPassed }),
      ]);
    });
    const entry = memory.entry(nodeId);
    const reported = report.results.map((result) =>
      verdictOf({ ...result, checkedAtMs: Date.parse(result.checkedAt) }),
    );
    entry.verdicts = [...entry.verdicts.filter((v) => !reported.some((r) => r.stage === v.stage)), ...reported];
    if (entry.pending?.requestId === report.requestId) entry.pending = null;
    return requestOf(nodeId);
  }

  const onHeartbeat: PreflightHeartbeatHook = (nodeId, body, receivedAtMs) => {
    const isCapable = body.capabilities?.includes('preflight') === true;
    const entry = memory.get(nodeId);
    if ((entry?.isCapable ?? false) !== isCapable) {
      memory.entry(nodeId).isCapable = isCapable;
      // The other processes (the leader's reconciler among them) reload the node on the event.
      repository
        .setCapable(nodeId, isCapable)
        .then(() => events.publish(PREFLIGHT_EVENT, { nodeIds: [nodeId], isCapable }))
        .catch((error: unknown) => log.warn({ err: error, nodeId }, 'storing the preflight capability failed'));
    }
    if (body.preflight) return storeReport(nodeId, body, receivedAtMs);
    return requestOf(nodeId);
  };

  return onHeartbeat;
}
