import type { FastifyInstance } from 'fastify';
import type { AuditRepository } from '../audit/audit-repository';
import type { DatabaseIamService } from '../databases/database-iam-service';
import { createRolloutPreflightRequester } from '../preflight/rollout-preflight';
import type { PreflightService } from '../preflight/preflight-service';
import { createNodeAdoption } from './rollout-adoption';
import { createClaimCheck } from './rollout-claims';
import { createObservations } from './rollout-observations';
import { createRolloutPass } from './rollout-pass';
import { trackHotNodes } from './rollout-hot-nodes';
import { createBackupRelease } from './rollout-release';
import { createRolloutReconciler } from './rollout-reconciler';
import { createStageSince, withStageSince } from './rollout-stage-since';
import { createRolloutsRepository } from './rollouts-repository';
import { createRolloutsService } from './rollouts-service';
import { createWebhookOutbox } from './webhook-outbox';

export interface RolloutsModuleOptions {
  readonly audit: AuditRepository;
  readonly webhookUrl: string | undefined;
  readonly nowMs: () => number;
  /** Preflight (issue 12): node verdicts and database IAM checks gate switches. */
  readonly preflight?: PreflightService;
  readonly databaseIam?: DatabaseIamService;
}

/** The rollouts domain wired over the app: the service for routes, the reconciler and webhook loops for workers.ts. */
export function createRolloutsModule(
  app: FastifyInstance,
  { audit, webhookUrl, nowMs, preflight, databaseIam }: RolloutsModuleOptions,
) {
  const { prisma, fleet, events } = app;
  const { registry, directory } = fleet;
  const rollouts = createRolloutsRepository(prisma);
  const outbox = createWebhookOutbox({ prisma, url: webhookUrl, nowMs });
  const observeFleet = createObservations({
    pool: app.pg,
    registry,
    directory,
    fleet: fleet.memory.fleet,
    startedAtMs: fleet.memory.startedAtMs,
    // Decorated by the metrics-sources plugin, registered after the services: looked up per pass.
    cloudWatchGates: { observe: (ids) => app.cloudWatchAlarmGates.observe(ids) },
    preflight: {
      node: (nodeId) => fleet.preflight.memory.get(nodeId),
      database: (databaseId) => databaseIam?.statusOf(databaseId),
    },
  });
  const requestPreflights = preflight ? createRolloutPreflightRequester(preflight, fleet.preflight.memory) : undefined;
  const observe = withStageSince(observeFleet, registry, createStageSince(app.pg));
  // Nodes a running rollout moves heartbeat at 1 s, so they hear their switch within a second; the few it switches next at 250 ms.
  const { pass, isHot, isImminent } = trackHotNodes(
    createRolloutPass({ prisma, rollouts, audit, events, outbox, registry }),
  );
  fleet.replyInterval.useHotNodes(isHot, isImminent);
  const adoptNewNodes = createNodeAdoption({ prisma, rollouts, audit, registry, observe, nowMs });
  return {
    service: createRolloutsService({
      prisma,
      rollouts,
      audit,
      events,
      directory,
      observe,
      pass,
      release: createBackupRelease({ prisma, rollouts, audit, events, registry }),
      assertNodesFree: createClaimCheck({ rollouts }),
      nowMs,
    }),
    reconcile: createRolloutReconciler({
      rollouts,
      observe,
      pass,
      adoptNewNodes,
      nowMs,
      log: app.log,
      requestPreflights,
    }),
    deliverWebhooks: (signal?: AbortSignal) => outbox.deliver(signal),
  };
}

export type RolloutsModule = ReturnType<typeof createRolloutsModule>;
