import type { DatabaseIamCheck } from '@iamroll/contracts';
import { buildIamPolicy } from '@iamroll/core/config';
import type { EventBus } from '../../plugins/event-bus';
import type { DatabaseDirectory } from './database-directory';
import type { DatabaseIamRepository, StoredIamCheck } from './database-iam-repository';
import type { DatabasesRepository } from './databases-repository';
import { describeDatabaseIam, type IamCheckRecord, type IamCheckStatus } from './describe-database-iam';
import type { RdsClients } from './rds-clients';

// Per database (issue 12): DescribeDBInstances on create, by the leader every
// IAMROLL_RDS_CHECK_INTERVAL_SECONDS and on demand; the verdict is stored (database_iam_checks),
// served in GET /api/v1/databases/{id} with the ready policy and SQL, and read by the rollout
// reconciler (a database with IAM disabled blocks every node targeting it).

export interface DatabaseIamLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface DatabaseIamServiceDeps {
  readonly repository: DatabaseIamRepository;
  readonly databases: DatabasesRepository;
  readonly directory: DatabaseDirectory;
  readonly events: EventBus;
  /** Undefined: checks are off (IAMROLL_RDS_CHECK=off, and tests unless they pass clients). */
  readonly clients: RdsClients | undefined;
  readonly log: DatabaseIamLogger;
  readonly nowMs: () => number;
}

const UNCHECKED_OFF: DatabaseIamCheck = {
  status: 'unchecked',
  checkedAt: null,
  message: 'The controller does not ask RDS (IAMROLL_RDS_CHECK=off).',
  fix: 'Set IAMROLL_RDS_CHECK=on and give the controller rds:DescribeDBInstances (`iamroll policy --controller`).',
  iamDatabaseAuthenticationEnabled: null,
  dbiResourceId: null,
  endpoint: null,
};

const NEVER_CHECKED: DatabaseIamCheck = {
  ...UNCHECKED_OFF,
  message: 'Not checked yet: the controller asks RDS on registration, every few minutes and on demand.',
  fix: 'POST /api/v1/databases/{id}/check (operator), or wait for the next periodic check.',
};

export function iamCheckView(
  stored: StoredIamCheck | IamCheckRecord | undefined,
  isChecking: boolean,
): DatabaseIamCheck {
  if (stored === undefined) return isChecking ? NEVER_CHECKED : UNCHECKED_OFF;
  return {
    status: stored.status,
    checkedAt: stored.checkedAt.toISOString(),
    message: stored.message,
    fix: stored.fix,
    iamDatabaseAuthenticationEnabled: stored.iamEnabled,
    dbiResourceId: stored.dbiResourceId,
    endpoint:
      stored.endpointAddress !== null && stored.endpointPort !== null
        ? { address: stored.endpointAddress, port: stored.endpointPort }
        : null,
  };
}

export interface PolicyExtras {
  readonly policy: Record<string, unknown> | null;
  readonly sql: string | null;
  readonly iamUsers: string[];
}

/** The IAM users a database's nodes log in as once on IAM: their IAM user, else the planner's `<user>_iam`. */
function policyUsers(connections: readonly { user: string; database: string; isIam: boolean }[]) {
  const users = [...new Set(connections.map((c) => (c.isIam ? c.user : `${c.user}_iam`)))].sort();
  const owner = connections.find((c) => !c.isIam)?.user;
  const counts = new Map<string, number>();
  for (const c of connections) counts.set(c.database, (counts.get(c.database) ?? 0) + 1);
  const database = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { users, owner, database };
}

export function createDatabaseIamService(deps: DatabaseIamServiceDeps) {
  const { repository, databases, directory, events, clients, log, nowMs } = deps;
  const isChecking = clients !== undefined;
  /** Database ids → verdict, for the reconciler (read every pass without a query). */
  let statusById = new Map<string, { status: IamCheckStatus; message: string; fix: string }>();
  const inFlight = new Set<Promise<unknown>>();

  const remember = (id: string, record: IamCheckRecord) =>
    statusById.set(id, { status: record.status, message: record.message, fix: record.fix });

  async function check(id: string): Promise<DatabaseIamCheck | null> {
    const row = await databases.findById(id);
    if (!row) return null;
    if (!clients) return iamCheckView(undefined, false);
    const record = await describeDatabaseIam(clients.forRegion(row.region), row, nowMs);
    const previous = await repository.store(id, record);
    remember(id, record);
    if (previous !== record.status) {
      // Logged on a change only: a controller without AWS access logs once per database, not every pass.
      const entry = { databaseId: id, identifier: row.identifier, status: record.status };
      if (record.status === 'ok') log.info(entry, 'database IAM check');
      else log.warn({ ...entry, reason: record.message }, 'database IAM check');
      await events.publish('database.updated', { id, iamStatus: record.status });
    }
    return iamCheckView(record, true);
  }

  return {
    isChecking,
    check,
    /** After a registration: in the background, so create answers at once (tracked for close). */
    checkSoon(id: string): void {
      if (!clients) return;
      const running = check(id).catch((error: unknown) =>
        log.warn({ err: error, databaseId: id }, 'database IAM check failed'),
      );
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    },
    /** The leader's loop: every registered database, one after another (a few calls every few minutes). */
    async checkAll(signal?: AbortSignal): Promise<void> {
      for (const entry of [...directory.all()]) {
        if (signal?.aborted) return;
        await check(entry.id);
      }
    },
    /** Loads the stored verdicts into memory (every process: the reconciler may run on any). */
    async refresh(): Promise<void> {
      const stored = await repository.load();
      statusById = new Map([...stored].map(([id, s]) => [id, { status: s.status, message: s.message, fix: s.fix }]));
    },
    /** What the rollout reconciler reads each pass. */
    statusOf(databaseId: string) {
      return statusById.get(databaseId);
    },
    async viewsOf(databaseIds: readonly string[]): Promise<Map<string, DatabaseIamCheck>> {
      const stored = await repository.load(databaseIds);
      return new Map(databaseIds.map((id) => [id, iamCheckView(stored.get(id), isChecking)]));
    },
    async policyOf(databaseId: string, region: string, stored: DatabaseIamCheck): Promise<PolicyExtras> {
      const { users, owner, database } = policyUsers(await repository.nodeConnections(databaseId));
      const rows = await repository.load([databaseId]);
      const accountId = rows.get(databaseId)?.accountId ?? null;
      if (users.length === 0 || stored.dbiResourceId === null || accountId === null)
        return { policy: null, sql: null, iamUsers: users };
      const result = buildIamPolicy({
        region,
        accountId,
        resourceId: stored.dbiResourceId,
        users,
        ...(database ? { database } : {}),
        ...(owner ? { owner } : {}),
      });
      if (!result.ok) return { policy: null, sql: `-- ${result.errors.join('\n-- ')}\n`, iamUsers: users };
      return { policy: result.policy as unknown as Record<string, unknown>, sql: result.sql, iamUsers: users };
    },
    async close(): Promise<void> {
      await Promise.allSettled([...inFlight]);
      clients?.destroy();
    },
  };
}

export type DatabaseIamService = ReturnType<typeof createDatabaseIamService>;
