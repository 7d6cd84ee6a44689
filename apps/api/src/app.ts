import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Config } from './config';
import { readMigrations, type Migration } from './db/migrations';
import type { RequestTurns } from './http/request-turns';
import { buildValidator } from './http/validator';
import { createLogger } from './logger';
import type { RdsClients } from './modules/databases/rds-clients';
import { agentsRoutes } from './modules/agents/agents-routes';
import { alarmsRoutes } from './modules/alarms/alarms-routes';
import { apiTokensRoutes } from './modules/api-tokens/api-tokens-routes';
import { auditRoutes } from './modules/audit/audit-routes';
import { authRoutes } from './modules/auth/auth-routes';
import { databasesRoutes } from './modules/databases/databases-routes';
import { databaseIamRoutes } from './modules/databases/database-iam-routes';
import { enrollmentTokensRoutes } from './modules/enrollment/enrollment-routes';
import { healthRoutes } from './modules/health/health-routes';
import { heartbeatsRoutes } from './modules/heartbeats/heartbeats-routes';
import { preflightRoutes } from './modules/preflight/preflight-routes';
import metricsSourcesPlugin from './modules/metrics-sources/metrics-sources-plugin';
import { nodesRoutes } from './modules/nodes/nodes-routes';
import { ratesRoutes } from './modules/rates/rates-routes';
import { rolloutsRoutes } from './modules/rollouts/rollouts-routes';
import type { SandboxControls } from './modules/sandbox/sandbox-controls';
import { sandboxRoutes } from './modules/sandbox/sandbox-routes';
import { ensureFirstAdmin, type FirstAdmin } from './modules/users/ensure-first-admin';
import { usersRoutes } from './modules/users/users-routes';
import authPlugin from './plugins/auth';
import errorsPlugin, { clientErrorHandler, frameworkErrors } from './plugins/errors';
import eventsPlugin from './plugins/events';
import fleetPlugin from './plugins/fleet';
import leaderPlugin from './plugins/leader';
import metricsPlugin from './plugins/metrics';
import openApiPlugin from './plugins/openapi';
import prismaPlugin from './plugins/prisma';
import { lazyChildLoggerFactory } from './plugins/request-logger';
import securityPlugin from './plugins/security';
import webPlugin from './plugins/web';
import { createRepositories, createServices } from './services';
import { registerWorkers } from './workers';

export const API_VERSION = '0.1.0';

/** Config with the database settled (the server starts the embedded PostgreSQL when DATABASE_URL is unset). */
export type AppConfig = Omit<Config, 'databaseUrl'> & { readonly databaseUrl: string };

export interface AppDeps {
  /** Default: prisma/migrations of this checkout. */
  readonly migrations?: readonly Migration[];
  /** Apply pending migrations while building (default true). */
  readonly isMigrating?: boolean;
  /** Leader lock retry (default 2000 ms): a new leader takes over within about this long. */
  readonly leaderRetryMs?: number;
  /** SSE keep-alive comment interval (default 15 s). */
  readonly sseKeepAliveMs?: number;
  /** The keep-alive governor's event-loop sampler (tests drive it; default perf_hooks). */
  readonly sampleLoopUtilisation?: () => number;
  /**
   * How often an open SSE stream's credential is checked again without an event (default 30 s: expiry;
   * revocations announced on the event bus end streams at once).
   */
  readonly sseRecheckMs?: number;
  /** Where logs go (tests pass a sink); default stdout or IAMROLL_LOG_FILE. */
  readonly logStream?: DestinationStream;
  /** Told once when the first admin is created, to show its generated password to a human. */
  readonly onFirstAdmin?: (admin: FirstAdmin) => void;
  /** The fleet domain's clock (heartbeat receive times, rates, alarms); tests drive it. Default Date.now. */
  readonly nowMs?: () => number;
  /** RDS clients for DescribeDBInstances (tests: the simulator with static keys). Default: from config.rds. */
  readonly rdsClients?: RdsClients;
  /** How heartbeats share the event loop's turns (http/request-turns.ts); tests pass one to see it. */
  readonly heartbeatTurns?: RequestTurns;
  /** Only `iamroll start` passes this: it adds the sandbox's demo controls under /api/v1/sandbox. */
  readonly sandbox?: SandboxControls;
}

/** Builds the whole API without listening: tests use `app.inject()`, server.ts calls `listen()`. */
export async function buildApp(config: AppConfig, deps: AppDeps = {}): Promise<FastifyInstance> {
  // Typed as Fastify's logger (pino's minus a few members) so the instance type stays the default one.
  const logger: FastifyBaseLogger = createLogger({
    level: config.logLevel,
    file: config.logFile,
    ...(deps.logStream ? { stream: deps.logStream } : {}),
  });
  const app = Fastify({
    loggerInstance: logger,
    trustProxy: config.isProxyTrusted,
    // Agents heartbeat every second: per-request info logs would drown everything else (see the debug hook below).
    logController: new LogController({ disableRequestLogging: true }),
    // request.log is built only when a request logs something (plugins/request-logger.ts).
    childLoggerFactory: lazyChildLoggerFactory,
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
    // Bodies without type coercion, query strings with it; unstorable text refused everywhere (http/validator.ts).
    schemaController: { compilersFactory: { buildValidator } },
    // Errors answered before any route: the same body shape and headers as every other error.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const isDebugLogged = logger.level === 'debug' || logger.level === 'trace';
  app.addHook('onResponse', (request, reply, next) => {
    // Checked first: the object below would be built for every heartbeat only to be dropped.
    if (!isDebugLogged) return next();
    request.log.debug(
      { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
    next();
  });

  const migrations = deps.migrations ?? (await readMigrations());
  await app.register(securityPlugin); // first: its onSend hook covers every route, 404 and error after it
  await app.register(errorsPlugin);
  await app.register(prismaPlugin, {
    databaseUrl: config.databaseUrl,
    poolSize: config.dbPoolSize,
    migrations,
    isMigrating: deps.isMigrating ?? true,
  });
  await app.register(authPlugin, {
    isCookieSecure: config.isCookieSecure,
    bootstrapEnrollmentToken: config.enrollmentToken,
  });
  await app.register(openApiPlugin, { version: API_VERSION });
  await app.register(metricsPlugin, { token: config.metricsToken, isOnApiPort: !config.metricsListen });
  await app.register(eventsPlugin, {
    databaseUrl: config.databaseUrl,
    keepAliveMs: deps.sseKeepAliveMs ?? 15_000,
    recheckMs: deps.sseRecheckMs ?? 30_000,
  });
  const repositories = createRepositories(app);
  const nowMs = deps.nowMs ?? Date.now;
  await app.register(fleetPlugin, {
    databaseUrl: config.databaseUrl,
    repositories,
    nowMs,
    ...(config.heartbeatKeepAliveMs === undefined ? {} : { keepAliveMs: config.heartbeatKeepAliveMs }),
    ...(config.heartbeatKeepAliveMaxMs === undefined ? {} : { keepAliveMaxMs: config.heartbeatKeepAliveMaxMs }),
    ...(deps.sampleLoopUtilisation ? { sampleLoopUtilisation: deps.sampleLoopUtilisation } : {}),
  });
  // After the fleet: ready once it is loaded, and closed first (onClose runs last-registered first).
  await app.register(leaderPlugin, { databaseUrl: config.databaseUrl, retryMs: deps.leaderRetryMs ?? 2000 });
  await app.register(webPlugin);

  const services = createServices(app, config, repositories, nowMs, deps.rdsClients);
  await app.register(healthRoutes, { prefix: '/api' });
  await app.register(authRoutes, {
    prefix: '/api/v1/auth',
    auth: services.auth,
    loginLimits: {
      perUserPerMinute: config.loginAttemptsPerMinute,
      perClientPerMinute: config.loginAttemptsPerClientPerMinute,
    },
  });
  await app.register(usersRoutes, { prefix: '/api/v1/users', users: services.users });
  await app.register(apiTokensRoutes, { prefix: '/api/v1/api-tokens', apiTokens: services.apiTokens });
  await app.register(enrollmentTokensRoutes, { prefix: '/api/v1/enrollment-tokens', enrollment: services.enrollment });
  await app.register(agentsRoutes, { prefix: '/api/v1/agents', enrollment: services.enrollment });
  await app.register(auditRoutes, { prefix: '/api/v1/audit', audit: services.repositories.audit });
  await app.register(databasesRoutes, { prefix: '/api/v1/databases', databases: services.databases });
  await app.register(databaseIamRoutes, { prefix: '/api/v1/databases', iam: services.databaseIam });
  await app.register(nodesRoutes, { prefix: '/api/v1/nodes', nodes: services.nodes });
  await app.register(heartbeatsRoutes, {
    prefix: '/api/v1/nodes',
    heartbeats: app.fleet.heartbeats,
    ...(deps.heartbeatTurns ? { turns: deps.heartbeatTurns } : {}),
  });
  await app.register(preflightRoutes, { prefix: '/api/v1/nodes', preflight: services.preflight });
  await app.register(ratesRoutes, { prefix: '/api/v1', rates: services.rates });
  await app.register(alarmsRoutes, { prefix: '/api/v1/alarms', alarms: services.alarms });
  await app.register(rolloutsRoutes, { prefix: '/api/v1/rollouts', rollouts: services.rollouts.service });
  await app.register(metricsSourcesPlugin, { config: config.cloudWatch, services, nowMs: deps.nowMs ?? Date.now });
  if (deps.sandbox)
    await app.register(sandboxRoutes, { prefix: '/api/v1/sandbox', sandbox: deps.sandbox, audit: repositories.audit });
  registerWorkers(app, services);

  app.addHook('onReady', async () => {
    const admin = await ensureFirstAdmin({ prisma: app.prisma, ...services.repositories }, config.adminPassword);
    if (admin) deps.onFirstAdmin?.(admin);
  });
  return app;
}
