import type { FastifyInstance } from 'fastify';
import type { Services } from './services';

const HOUR_MS = 3_600_000;
const SECOND_MS = 1_000;
/** Reports and liveness reach PostgreSQL within about a second of the heartbeat. */
const NODE_SYNC_MS = 1_000;
/** Forwarded heartbeats reach the other processes' rates within a quarter second. */
const REPLICATION_FLUSH_MS = 250;
/** A safety net for a missed `databases` signal (the listener was reconnecting). */
const DIRECTORY_REFRESH_MS = 30_000;
/** Rate buckets are 10 s and 1 min; every 5 s writes each soon after it completes. */
const RATE_PERSIST_MS = 5_000;
/** Due webhook notifications are posted within a second (retries wait for their backoff). */
const WEBHOOK_DELIVERY_MS = 1_000;

/**
 * Every background loop of an API process, in one place. Two kinds:
 * - every process (`app.fleet.loops`): started once the fleet is loaded, stopped
 *   in onClose before the fleet's final flush;
 * - leader only (`app.leader.run`): run while this process holds the leader lock,
 *   stopped when it loses it or closes. They judge the whole fleet, so they wait
 *   for it to be loaded.
 *
 * Other timers are owned by the component they serve and are no work loop of their
 * own: the leader election's lock attempt / connection check (plugins/leader-election.ts,
 * every retryMs), the LISTEN reconnect of the event bus and fleet replication
 * (db/channel-listener.ts), each SSE stream's keep-alive (plugins/events.ts), the agent
 * credential cache's batched last-used writes and revocation rechecks
 * (modules/auth/agent-credential-cache.ts), and the shutdown grace timer (server.ts).
 */
export function registerWorkers(app: FastifyInstance, services: Services): void {
  const { fleet } = app;
  fleet.loops.every('node-sync', NODE_SYNC_MS, () => fleet.sync.tick());
  // Idle nodes' keep-alive follows this process's event loop (modules/heartbeats/keep-alive-governor.ts).
  fleet.loops.every('heartbeat-keep-alive', SECOND_MS, () => Promise.resolve(fleet.tickKeepAlive()));
  fleet.loops.every('fleet-replication', REPLICATION_FLUSH_MS, () => fleet.replication.flush());
  fleet.loops.every('database-directory-refresh', DIRECTORY_REFRESH_MS, () => fleet.reloadDirectory());
  // Preflight (issue 12): every process keeps the databases' IAM verdicts in memory for the reconciler.
  fleet.loops.every('database-iam-refresh', DIRECTORY_REFRESH_MS, () => services.databaseIam.refresh());
  fleet.loops.every('preflight-refresh', DIRECTORY_REFRESH_MS, () => fleet.preflight.reload());

  app.leader.run('session-cleanup', HOUR_MS, async () => {
    const { count } = await services.repositories.sessions.deleteExpired(new Date());
    if (count > 0) app.log.info({ count }, 'expired sessions deleted');
  });
  const { loaded } = fleet;
  // A heartbeat showing a second over a budget (or a throttle) evaluates at once (modules/alarms/alarm-nudge.ts).
  fleet.alarmNudge.connect(() => app.leader.nudge('alarm-evaluation'));
  app.leader.run('alarm-evaluation', SECOND_MS, async () => {
    await loaded;
    await services.evaluateAlarms();
  });
  app.leader.run('rates-tick', SECOND_MS, async () => {
    await loaded;
    await services.tickRates();
  });
  app.leader.run('rate-persistence', RATE_PERSIST_MS, async (signal) => {
    await loaded;
    await services.persistRates(signal);
  });
  // Rollouts: decide every active rollout again from PostgreSQL; post the webhook outbox (never inside a transaction).
  app.leader.run('rollout-reconciler', services.rolloutReconcileMs, async (signal) => {
    await loaded;
    await services.rollouts.reconcile(signal);
  });
  // Preflight (issue 12): DescribeDBInstances for every database (IAMROLL_RDS_CHECK_INTERVAL_SECONDS, 600 s).
  if (services.databaseIam.isChecking)
    app.leader.run('database-iam-check', services.databaseIam.checkIntervalMs, async (signal) => {
      await loaded;
      await services.databaseIam.checkAll(signal);
    });
  app.leader.run('webhook-delivery', WEBHOOK_DELIVERY_MS, (signal) =>
    services.rollouts.deliverWebhooks(signal).then(() => {}),
  );
  // cloudwatch-poll, rds-sim-poll, cloudwatch-publish, cloudwatch-alarms: those whose part is on
  // (modules/metrics-sources). Each ticks every second and calls out only when due or past its backoff.
  for (const loop of app.metricsSourceLoops) {
    app.leader.run(loop.name, loop.tickMs, async (signal) => {
      await loaded;
      await loop.run(signal);
    });
  }
}
