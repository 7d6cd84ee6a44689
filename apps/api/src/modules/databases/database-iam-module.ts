import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../../app';
import { createDatabaseIamRepository } from './database-iam-repository';
import { createDatabaseIamService } from './database-iam-service';
import type { DatabasesRepository } from './databases-repository';
import { createRdsClients, type RdsClients } from './rds-clients';

/** DescribeDBInstances checks wired over the app: clients from config.rds (or the test's), closed with the app. */
export function createDatabaseIamModule(
  app: FastifyInstance,
  config: AppConfig,
  databases: DatabasesRepository,
  nowMs: () => number,
  injected?: RdsClients,
) {
  const rds = config.rds;
  const clients =
    injected ??
    (rds?.isChecking
      ? createRdsClients({
          endpointUrl: rds.endpointUrl,
          assumeRoleArn: rds.assumeRoleArn,
          ...(rds.credentials ? { credentials: rds.credentials } : {}),
          nowMs,
        })
      : undefined);
  const service = createDatabaseIamService({
    repository: createDatabaseIamRepository(app.pg),
    databases,
    directory: app.fleet.directory,
    events: app.events,
    clients,
    log: app.log,
    nowMs,
  });
  app.addHook('onClose', () => service.close());
  return { ...service, checkIntervalMs: (rds?.checkIntervalSeconds ?? 600) * 1000 };
}

export type DatabaseIamModule = ReturnType<typeof createDatabaseIamModule>;
