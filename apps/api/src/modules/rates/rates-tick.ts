import type { RatesTickData } from '@iamroll/contracts';
import { databaseFigures, type FleetRates } from '@iamroll/core/rates';
import type { EventBus } from '../../plugins/event-bus';
import type { DatabaseDirectory } from '../databases/database-directory';

/** About 90 bytes per database: this many stay well under the event bus's 7000-byte payload. */
const DATABASES_PER_EVENT = 60;

export interface RatesTickDeps {
  readonly directory: DatabaseDirectory;
  readonly fleet: FleetRates;
  readonly events: EventBus;
  readonly nowMs: () => number;
}

/** The leader's `rates.tick` every second: each database's current IAM rate (10 s average), for live charts. */
export function createRatesTick({ directory, fleet, events, nowMs }: RatesTickDeps) {
  return async function tick(): Promise<void> {
    const t = nowMs();
    const databases = [...directory.all()].map((database) => ({
      id: database.id,
      ratePerSecond: Math.round(databaseFigures(fleet, database.id, t).ratePerSecond * 100) / 100,
      budgetPerSecond: database.budgetPerSecond,
    }));
    for (let start = 0; start < databases.length; start += DATABASES_PER_EVENT) {
      const data: RatesTickData = { t, databases: databases.slice(start, start + DATABASES_PER_EVENT) };
      await events.publish('rates.tick', data);
    }
  };
}
