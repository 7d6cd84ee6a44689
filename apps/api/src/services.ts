import type { FastifyInstance } from 'fastify';
import type { AppConfig } from './app';
import { createAlarmEvaluator } from './modules/alarms/alarm-evaluator';
import { createAlarmsRepository } from './modules/alarms/alarms-repository';
import { createAlarmsService } from './modules/alarms/alarms-service';
import { createApiTokensRepository } from './modules/api-tokens/api-tokens-repository';
import { createApiTokensService } from './modules/api-tokens/api-tokens-service';
import { createAuditRepository } from './modules/audit/audit-repository';
import { createAuthService } from './modules/auth/auth-service';
import { createSessionsRepository } from './modules/auth/sessions-repository';
import { createDatabasesRepository } from './modules/databases/databases-repository';
import { createDatabasesService } from './modules/databases/databases-service';
import { createDatabaseIamModule } from './modules/databases/database-iam-module';
import type { RdsClients } from './modules/databases/rds-clients';
import { createEnrollmentRepository } from './modules/enrollment/enrollment-repository';
import { createEnrollmentService } from './modules/enrollment/enrollment-service';
import { createNodeStateRepository } from './modules/nodes/node-state-repository';
import { createNodesRepository } from './modules/nodes/nodes-repository';
import { createNodesService } from './modules/nodes/nodes-service';
import { createRatePersister } from './modules/rates/rate-persister';
import { createRateSamplesRepository } from './modules/rates/rate-samples-repository';
import { createRatesService } from './modules/rates/rates-service';
import { createRatesTick } from './modules/rates/rates-tick';
import { createRolloutsModule } from './modules/rollouts/rollouts-module';
import { createPreflightService } from './modules/preflight/preflight-service';
import { createUsersRepository } from './modules/users/users-repository';
import { createUsersService } from './modules/users/users-service';

/** Repositories over the app's database (stateless factories), shared by the fleet plugin and the services. */
export function createRepositories(app: FastifyInstance) {
  const { prisma } = app;
  return {
    audit: createAuditRepository(prisma, app.pg),
    users: createUsersRepository(prisma),
    sessions: createSessionsRepository(prisma),
    apiTokens: createApiTokensRepository(prisma),
    enrollment: createEnrollmentRepository(prisma),
    databases: createDatabasesRepository(prisma, app.pg),
    nodes: createNodesRepository(prisma, app.pg),
    nodeStates: createNodeStateRepository(app.pg),
    rateSamples: createRateSamplesRepository(app.pg),
    alarms: createAlarmsRepository(prisma, app.pg),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

/**
 * The composition root: services over repositories and the fleet (app.fleet,
 * from the fleet plugin). Routes receive the services they need as plugin
 * options; services never see the request.
 */
export function createServices(
  app: FastifyInstance,
  config: AppConfig,
  repositories: Repositories,
  nowMs: () => number = Date.now,
  rdsClients?: RdsClients,
) {
  const { prisma, fleet } = app;
  const { audit, users, sessions } = repositories;
  const { directory, registry, memory } = fleet;
  const rates = createRatesService({ memory, samples: repositories.rateSamples, directory, registry, nowMs });
  const databaseIam = createDatabaseIamModule(app, config, repositories.databases, nowMs, rdsClients);
  const preflight = createPreflightService({
    pool: app.pg,
    repository: fleet.preflight.repository,
    memory: fleet.preflight.memory,
    registry,
    audit,
    events: app.events,
    nowMs,
  });
  return {
    databaseIam,
    preflight,
    repositories,
    rates,
    auth: createAuthService({
      prisma,
      users,
      sessions,
      audit,
      events: app.events,
      sessionTtlHours: config.sessionTtlHours,
    }),
    users: createUsersService({ prisma, users, audit, events: app.events }),
    apiTokens: createApiTokensService({ prisma, tokens: repositories.apiTokens, audit, events: app.events }),
    enrollment: createEnrollmentService({ prisma, enrollment: repositories.enrollment, audit, events: app.events }),
    databases: createDatabasesService({
      prisma,
      databases: repositories.databases,
      audit,
      events: app.events,
      rates: memory,
      onChanged: fleet.databasesChanged,
      nowMs,
      iam: databaseIam,
    }),
    nodes: createNodesService({
      prisma,
      nodes: repositories.nodes,
      alarms: repositories.alarms,
      registry,
      audit,
      events: app.events,
      rates,
      onDecommissioned: fleet.nodeDecommissioned,
      nowMs,
    }),
    alarms: createAlarmsService({ prisma, alarms: repositories.alarms, audit, events: app.events, nowMs }),
    evaluateAlarms: createAlarmEvaluator({
      pool: app.pg,
      alarms: repositories.alarms,
      audit,
      events: app.events,
      directory,
      registry,
      nodeStates: repositories.nodeStates,
      fleet: memory.fleet,
      startedAtMs: memory.startedAtMs,
      nowMs,
    }),
    persistRates: createRatePersister({ memory, samples: repositories.rateSamples, directory, nowMs }),
    tickRates: createRatesTick({ directory, fleet: memory.fleet, events: app.events, nowMs }),
    rolloutReconcileMs: config.rolloutReconcileMs ?? 1_000,
    rollouts: createRolloutsModule(app, { audit, webhookUrl: config.webhookUrl, nowMs, preflight, databaseIam }),
  };
}

export type Services = ReturnType<typeof createServices>;
