import type { CredentialSource } from '@iamroll/core/token';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { CloudWatchConfig } from '../../config';
import type { Services } from '../../services';
import { createCloudWatchAlarmGates, type CloudWatchAlarmGates } from './alarm-gates';
import { createCloudWatchAlarmSync } from './cloudwatch-alarms';
import { createCloudWatchClients } from './cloudwatch-clients';
import { createPublisher } from './cloudwatch-publisher';
import { createCloudWatchSource } from './cloudwatch-source';
import { CLOUDWATCH_ALARM_KIND, syncExternalAlarms } from './external-alarms';
import { createMetricsSourcesRepository } from './metrics-sources-repository';
import { metricsSourcesRoutes } from './metrics-sources-routes';
import { createMetricsSourcesService } from './metrics-sources-service';
import type { MetricsSource } from './metrics-source';
import { createPartRunner } from './part-runner';
import { createSourcePoll } from './poll-source';
import { createRdsSimSource } from './rds-sim-source';
import { createReconciler } from './reconciliation';

declare module 'fastify' {
  interface FastifyInstance {
    /** CloudWatch alarms in ALARM as gate observations, for the rollout engine. */
    cloudWatchAlarmGates: CloudWatchAlarmGates;
    /** The leader loops of the parts that are on; workers.ts registers them with the others. */
    metricsSourceLoops: readonly MetricsSourceLoop[];
  }
}

export interface MetricsSourceLoop {
  readonly name: string;
  readonly tickMs: number;
  readonly run: (signal: AbortSignal) => Promise<void>;
}

export interface MetricsSourcesPluginOptions {
  readonly config: CloudWatchConfig;
  readonly services: Services;
  readonly nowMs?: () => number;
  /** Default: the AWS SDK default chain (plus IAMROLL_CLOUDWATCH_ASSUME_ROLE_ARN). */
  readonly credentials?: CredentialSource;
}

/**
 * Metrics sources: routes (`GET /api/v1/metrics-sources`, `GET /api/v1/databases/{id}/rates/{source}`)
 * on every process, and (registered by workers.ts) the leader's loops for the parts that are on: `cloudwatch-poll`,
 * `rds-sim-poll`, `cloudwatch-publish`, `cloudwatch-alarms`. Each loop ticks every
 * second (or every half period when shorter) and acts only when its part is due, so
 * backoff is a timestamp, not a sleeping promise; clients are destroyed on close.
 */
async function metricsSourcesPlugin(app: FastifyInstance, options: MetricsSourcesPluginOptions): Promise<void> {
  const { config, services } = options;
  const nowMs = options.nowMs ?? Date.now;
  const repository = createMetricsSourcesRepository(app.pg);
  const { memory, registry } = app.fleet;
  const alarmDeps = {
    prisma: app.prisma,
    alarms: services.repositories.alarms,
    audit: services.repositories.audit,
    events: app.events,
  };
  const periodMs = config.periodSeconds * 1000;
  const tickMs = Math.min(1000, Math.max(100, periodMs / 2));

  const service = createMetricsSourcesService({
    config,
    repository,
    budgetOf: async (id) => (await repository.databases()).find((database) => database.id === id)?.budgetPerSecond,
    nowMs,
  });
  app.decorate('cloudWatchAlarmGates', createCloudWatchAlarmGates(app.pg));
  await app.register(metricsSourcesRoutes, { prefix: '/api/v1', service });

  const isCloudWatchOn = config.isPolling || config.isPublishing || config.isManagingAlarms;
  const clients = isCloudWatchOn
    ? createCloudWatchClients({
        endpointUrl: config.endpointUrl,
        assumeRoleArn: config.assumeRoleArn,
        ...(options.credentials ? { credentials: options.credentials } : {}),
        nowMs,
      })
    : undefined;
  if (clients) app.addHook('onClose', () => clients.destroy());

  const loops: MetricsSourceLoop[] = [];
  app.decorate('metricsSourceLoops', loops);
  const runPart = (name: string, intervalMs: number, run: (signal: AbortSignal) => Promise<void>) => {
    const runner = createPartRunner({ name, intervalMs, repository, log: app.log, nowMs, run });
    loops.push({ name: name.replace(':', '-'), tickMs, run: (signal) => runner.tick(signal) });
  };

  const pollPart = (source: MetricsSource) =>
    runPart(
      `${source.name}:poll`,
      periodMs,
      createSourcePoll({
        source,
        repository,
        periodSeconds: config.periodSeconds,
        nowMs,
        afterPoll: createReconciler({
          ...alarmDeps,
          source: source.name,
          repository,
          fleet: memory.fleet,
          startedAtMs: memory.startedAtMs,
          periodSeconds: config.periodSeconds,
          tolerance: config.tolerance,
          nowMs,
        }),
        onAfterPollError: (error) => app.log.warn({ err: error, source: source.name }, 'reconciliation failed'),
      }),
    );

  if (clients && config.isPolling) pollPart(createCloudWatchSource(clients));
  if (config.simulatorMetricsUrls.length > 0) pollPart(createRdsSimSource(config.simulatorMetricsUrls));
  if (clients && config.isPublishing) {
    runPart(
      'cloudwatch:publish',
      periodMs,
      createPublisher({
        clients,
        namespace: config.namespace,
        fleet: memory.fleet,
        databases: () => repository.databases(),
        nodes: () => registry.all(),
        startedAtMs: memory.startedAtMs,
        periodSeconds: config.periodSeconds,
        nowMs,
      }),
    );
  }
  if (clients && config.isManagingAlarms) {
    const alarms = createCloudWatchAlarmSync({
      clients,
      syncRows: (desired) => syncExternalAlarms(alarmDeps, CLOUDWATCH_ALARM_KIND, desired, nowMs()),
      namespace: config.namespace,
      alarmActions: config.alarmActions,
      databases: () => repository.databases(),
    });
    // Every period: DescribeAlarms is one call per region; PutMetricAlarm only when a definition changed.
    runPart('cloudwatch:alarms', periodMs, (signal) => alarms.sync(signal));
  }
}

export default fp(metricsSourcesPlugin, {
  name: 'metrics-sources',
  fastify: '5.x',
  dependencies: ['prisma', 'leader', 'events', 'fleet'],
});
