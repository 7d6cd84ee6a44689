import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestAppOn, eventually, type TestApp } from '../test/test-app';
import type { TestDatabase } from '../test/test-postgres';
import { useTestPostgres } from '../test/use-test-app';
import { LEADER_LOCK_KEY } from './leader-election';

describe('leader election across API processes', () => {
  const postgres = useTestPostgres();

  const twoApps = async (database: TestDatabase, ticks: Map<string, number>) => {
    const apps: TestApp[] = [];
    for (const name of ['a', 'b']) {
      const t = await createTestAppOn(database, {}, { leaderRetryMs: 200 });
      t.app.leader.run('count', 20, () => {
        ticks.set(name, (ticks.get(name) ?? 0) + 1);
        return Promise.resolve();
      });
      apps.push(t);
    }
    await eventually(() => apps.filter((t) => t.app.leader.isLeader).length === 1);
    return apps;
  };

  /** The backend holding the leader lock, seen from outside. */
  const lockHolderPid = async (database: TestDatabase): Promise<number | undefined> => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const key = BigInt.asUintN(64, LEADER_LOCK_KEY);
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND classid = $1 AND objid = $2`,
        [Number(key >> 32n), Number(key & 0xffffffffn)],
      );
      return rows[0]?.pid;
    } finally {
      await client.end();
    }
  };

  it('elects exactly one leader, and runs leader workers only there', async () => {
    const database = await postgres.createDatabase();
    const ticks = new Map<string, number>();
    const apps = await twoApps(database, ticks);
    try {
      const leaderName = apps[0]!.app.leader.isLeader ? 'a' : 'b';
      await eventually(() => (ticks.get(leaderName) ?? 0) >= 3);
      expect(ticks.get(leaderName === 'a' ? 'b' : 'a')).toBeUndefined();
      expect(await lockHolderPid(database)).toEqual(expect.any(Number));
    } finally {
      await Promise.all(apps.map((t) => t.close()));
    }
  }, 30_000);

  it('fails over within seconds when the leader loses its lock connection', async () => {
    const database = await postgres.createDatabase();
    const ticks = new Map<string, number>();
    const apps = await twoApps(database, ticks);
    try {
      const leader = apps.find((t) => t.app.leader.isLeader)!;
      const follower = apps.find((t) => !t.app.leader.isLeader)!;
      const lost = new Promise<void>((resolve) => leader.app.leader.once('lost', () => resolve()));
      const acquired = new Promise<void>((resolve) => follower.app.leader.once('acquired', () => resolve()));
      const pid = await lockHolderPid(database);
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await admin.end();

      await Promise.all([lost, acquired]); // bounded by the test timeout: seconds, not minutes
      expect(follower.app.leader.isLeader).toBe(true);
      expect(leader.app.leader.isLeader).toBe(false);
      // The old leader reconnects as a follower and stays one.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(leader.app.leader.isLeader).toBe(false);
    } finally {
      await Promise.all(apps.map((t) => t.close()));
    }
  }, 30_000);

  it('hands over at once when the leader closes', async () => {
    const database = await postgres.createDatabase();
    const apps = await twoApps(database, new Map());
    const leader = apps.find((t) => t.app.leader.isLeader)!;
    const follower = apps.find((t) => !t.app.leader.isLeader)!;
    try {
      await leader.close();
      // The closing leader unlocks explicitly, so the follower's next retry wins.
      await eventually(() => follower.app.leader.isLeader, 5000);
    } finally {
      await follower.close();
    }
  }, 30_000);
});
