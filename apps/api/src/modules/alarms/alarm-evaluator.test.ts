import type { AlarmList, ServerEvent } from '@iamroll/contracts';
import { secondOf } from '@iamroll/core/rates';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { createAuditRepository } from '../audit/audit-repository';
import { beat, heartbeatBody, manualClock, registerDatabase } from '../heartbeats/heartbeat-fixtures';
import { createNodeStateRepository } from '../nodes/node-state-repository';
import { eventually } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { createAlarmEvaluator } from './alarm-evaluator';
import { createAlarmsRepository } from './alarms-repository';

describe('alarm evaluation', () => {
  const clock = manualClock();
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });
  const repository = () => createAlarmsRepository(t.app.prisma, t.app.pg);
  const evaluatorWith = (alarms: ReturnType<typeof createAlarmsRepository>, startedAtMs: number) =>
    createAlarmEvaluator({
      pool: t.app.pg,
      alarms,
      audit: createAuditRepository(t.app.prisma, t.app.pg),
      events: t.app.events,
      directory: t.app.fleet.directory,
      registry: t.app.fleet.registry,
      nodeStates: createNodeStateRepository(t.app.pg),
      fleet: t.app.fleet.memory.fleet,
      startedAtMs,
      nowMs: clock.now,
    });
  const openAlarm = async (key: string) => {
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/alarms?state=open&limit=500',
      headers: (await t.admin()).headers,
    });
    return list.json<AlarmList>().items.find((alarm) => alarm.key === key);
  };

  // Only the evaluators of these tests evaluate: this process's own leader loop stops.
  beforeAll(() => t.app.leader.stop());

  it('judges heartbeats folded in while it loads the open alarms as of a time after them', async () => {
    const databaseId = await registerDatabase(t.app, (await t.admin()).headers, {
      identifier: 'slow-pass-db',
      host: 'slow-pass-db.abc.us-east-1.rds.amazonaws.com',
      budgetPerSecond: 20,
    });
    const rows = repository();
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let loaded = () => undefined as void;
    const isLoaded = new Promise<void>((resolve) => (loaded = resolve));
    const evaluate = evaluatorWith(
      {
        ...rows,
        unresolved: async () => {
          const unresolved = await rows.unresolved();
          loaded();
          await released;
          return unresolved;
        },
      },
      clock.now() - 60_000,
    );
    const { fleet } = t.app.fleet.memory;

    const pass = evaluate();
    await isLoaded;
    // While the pass waits on PostgreSQL, 12 s pass and a heartbeat reports 50 IAM logins a second over them.
    const from = secondOf(clock.now());
    clock.advance(12_000);
    for (let second = from; second < from + 12; second++)
      fleet.addDatabaseCounts(databaseId, second, { attempts: 50, iamAttempts: 50, throttled: 0 });
    release();
    await pass;

    const opened = await openAlarm(`db-rate-critical:${databaseId}`);
    // Read before the rows loaded, the clock would put the pass 12 s back: "50/s in its busiest second … (10 s average 0/s)".
    expect(opened?.message).toMatch(/^slow-pass-db at 50\/s, 250% of its 20\/s IAM budget \(10 s average\)/);
    expect(opened?.openedAt).toBe(new Date(clock.now()).toISOString());
  });

  it('holds stale alarms for three intervals from its first pass, however slow the boot', async () => {
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-slow-boot');
    const response = await beat(t.app, node.nodeId, node.credential, heartbeatBody({ seq: 1 }));
    expect(response.statusCode, response.body).toBe(200);
    // The process "started" after the node's last heartbeat, and its first pass comes a minute later.
    const evaluate = evaluatorWith(repository(), clock.now() + 1);
    clock.advance(60_000);
    const key = `node-stale:${node.nodeId}`;
    await evaluate();
    expect(await openAlarm(key)).toBeUndefined();
    // Three intervals (1 s each) after the first pass, still nothing heard: now it is stale.
    clock.advance(3_500);
    await evaluate();
    expect((await openAlarm(key))?.message).toBe('kong-slow-boot silent for 64 s (heartbeat every 1 s)');
  });

  it('opens and resolves a whole fleet in one pass, each alarm once, with its audit entry and event', async () => {
    const nodes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-silent-${i}`)),
    );
    const beatAll = async (seq: number) => {
      for (const node of nodes) {
        const response = await beat(t.app, node.nodeId, node.credential, heartbeatBody({ seq }));
        expect(response.statusCode, response.body).toBe(200);
      }
    };
    await beatAll(1);
    const keys = nodes.map((node) => `node-stale:${node.nodeId}`);
    // Another leader opened the first node's alarm a moment ago: this pass must not open it again.
    const alarms = repository();
    const [theirs] = await alarms.openMany(
      [
        {
          key: keys[0] as string,
          kind: 'node-stale',
          severity: 'warning',
          subjectType: 'node',
          subjectId: nodes[0]?.nodeId as string,
          message: 'opened by the other leader',
          value: null,
          openedAt: new Date(clock.now()),
        },
      ],
      t.app.pg,
    );
    expect(theirs?.key).toBe(keys[0]);
    const events: ServerEvent[] = [];
    const stop = t.app.events.subscribe((event) => {
      const key = (event.data as { key?: string }).key;
      if (event.type.startsWith('alarm.') && key && keys.includes(key)) events.push(event);
    });
    const auditOf = async (action: string) => {
      const { rows } = await t.app.pg.query<{ key: string }>(
        `SELECT data->>'key' AS key FROM audit_events WHERE action = $1 AND data->>'key' = ANY($2::text[])`,
        [action, keys],
      );
      return rows.map((row) => row.key).sort();
    };
    try {
      const evaluate = evaluatorWith(alarms, clock.now() - 60_000);
      clock.advance(10_000);
      await evaluate();
      await evaluate(); // a second pass finds them open: nothing more
      const open = await alarms.unresolved();
      expect(keys.filter((key) => open.has(key))).toEqual(keys);
      expect(open.get(keys[0] as string)?.message).toBe('opened by the other leader');
      expect(await auditOf('alarm.open')).toEqual(keys.slice(1).sort());
      await eventually(() => events.length >= keys.length - 1);
      expect(events.map((event) => (event.data as { key: string }).key).sort()).toEqual(keys.slice(1).sort());
      expect(events.every((event) => event.type === 'alarm.opened')).toBe(true);
      expect(events[0]?.data).toMatchObject({
        kind: 'node-stale',
        severity: 'warning',
        state: 'open',
        resolvedAt: null,
      });

      // Every node is heard again, without a break for three intervals (1 s each): one pass resolves
      // all forty, the other leader's included.
      events.length = 0;
      for (let seq = 2; seq <= 5; seq++) {
        await beatAll(seq);
        clock.advance(1_000);
      }
      await evaluate();
      await evaluate();
      const after = await alarms.unresolved();
      expect(keys.filter((key) => after.has(key))).toEqual([]);
      expect(await auditOf('alarm.resolve')).toEqual([...keys].sort());
      await eventually(() => events.length >= keys.length);
      expect(events.every((event) => event.type === 'alarm.resolved')).toBe(true);
      expect(new Set(events.map((event) => (event.data as { key: string }).key)).size).toBe(keys.length);
      expect(events[0]?.data).toMatchObject({ state: 'resolved', resolvedAt: new Date(clock.now()).toISOString() });
    } finally {
      stop();
    }
  });
});
