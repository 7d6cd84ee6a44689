import type { FastifyInstance } from 'fastify';
import type { Services } from './services';

const HOUR_MS = 3_600_000;
const SECOND_MS = 1_000;
/** Rate buckets are 10 s and 1 min; every 5 s writes each soon after it completes. */
const RATE_PERSIST_MS = 5_000;

/** Leader-only background work: one place to see every loop the controller runs. */
export function registerWorkers(app: FastifyInstance, services: Services): void {
  app.leader.run('session-cleanup', HOUR_MS, async () => {
    const { count } = await services.repositories.sessions.deleteExpired(new Date());
    if (count > 0) app.log.info({ count }, 'expired sessions deleted');
  });

  // The fleet workers judge the whole fleet: never before it is loaded into memory.
  const { loaded } = services.fleet;
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
}
