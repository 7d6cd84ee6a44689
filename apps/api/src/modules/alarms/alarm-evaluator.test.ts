import type { AlarmList } from '@iamroll/contracts';
import { secondOf } from '@iamroll/core/rates';
import { describe, expect, it } from 'vitest';
import { createAuditRepository } from '../audit/audit-repository';
import { manualClock, registerDatabase } from '../heartbeats/heartbeat-fixtures';
import { createNodeStateRepository } from '../nodes/node-state-repository';
import { useTestApp } from '../../test/use-test-app';
import { createAlarmEvaluator } from './alarm-evaluator';
import { createAlarmsRepository } from './alarms-repository';

describe('alarm evaluation', () => {
  const clock = manualClock();
  const t = useTestApp({}, { nowMs: clock.now });

  it('judges heartbeats folded in while it loads the open alarms as of a time after them', async () => {
    const databaseId = await registerDatabase(t.app, (await t.admin()).headers, {
      identifier: 'slow-pass-db',
      host: 'slow-pass-db.abc.us-east-1.rds.amazonaws.com',
      budgetPerSecond: 20,
    });
    // Only the pass below evaluates: this process's own leader loop stops.
    await t.app.leader.stop();

    const repository = createAlarmsRepository(t.app.prisma, t.app.pg);
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let loaded = () => undefined as void;
    const isLoaded = new Promise<void>((resolve) => (loaded = resolve));
    const { directory, registry } = t.app.fleet;
    const { fleet } = t.app.fleet.memory;
    const evaluate = createAlarmEvaluator({
      prisma: t.app.prisma,
      alarms: {
        ...repository,
        unresolved: async () => {
          const rows = await repository.unresolved();
          loaded();
          await released;
          return rows;
        },
      },
      audit: createAuditRepository(t.app.prisma, t.app.pg),
      events: t.app.events,
      directory,
      registry,
      nodeStates: createNodeStateRepository(t.app.pg),
      fleet,
      startedAtMs: clock.now() - 60_000,
      nowMs: clock.now,
    });

    const pass = evaluate();
    await isLoaded;
    // While the pass waits on PostgreSQL, 12 s pass and a heartbeat reports 50 IAM logins a second over them.
    const from = secondOf(clock.now());
    clock.advance(12_000);
    for (let second = from; second < from + 12; second++)
      fleet.addDatabaseCounts(databaseId, second, { attempts: 50, iamAttempts: 50, throttled: 0 });
    release();
    await pass;

    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/alarms?state=open',
      headers: (await t.admin()).headers,
    });
    const opened = list.json<AlarmList>().items.find((alarm) => alarm.key === `db-rate-critical:${databaseId}`);
    // Read before the rows loaded, the clock would put the pass 12 s back: "50/s in its busiest second … (10 s average 0/s)".
    expect(opened?.message).toMatch(/^slow-pass-db at 50\/s, 250% of its 20\/s IAM budget \(10 s average\)/);
    expect(opened?.openedAt).toBe(new Date(clock.now()).toISOString());
  });
});
