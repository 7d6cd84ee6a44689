import { FleetRates } from '@iamroll/core/rates';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestPostgres } from '../../test/use-test-app';
import { NodeRegistry } from './node-registry';
import { createNodeStateRepository, type NodeStateRepository } from './node-state-repository';
import { NodeSync } from './node-sync';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The repository with its refresh read held after the query, until `release` (while `isHolding()`). */
function holdingReads(states: NodeStateRepository, isHolding: () => boolean = () => true) {
  let release = () => undefined as void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let read = () => undefined as void;
  const isRead = new Promise<void>((resolve) => (read = resolve));
  const repository: NodeStateRepository = {
    ...states,
    changedSince: async (sinceMs: number) => {
      const result = await states.changedSince(sinceMs);
      if (isHolding()) {
        read();
        await released;
      }
      return result;
    },
  };
  return { repository, isRead, release };
}

describe('NodeSync refresh', () => {
  const postgres = useTestPostgres();
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: (await postgres.createDatabase()).url, max: 2 });
    // PostgreSQL may stop before this pool ends (hook order): an idle client's 57P01 is expected then.
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('reads what changed since its last look, not the fleet’s last writes again and again', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO nodes (id, hostname, role, updated_at)
       SELECT gen_random_uuid(), 'kong-sync-' || i, 'traditional', clock_timestamp() FROM generate_series(1, 3) AS i
       RETURNING id`,
    );
    const states = createNodeStateRepository(pool);
    const read: number[] = [];
    const counting = {
      ...states,
      changedSince: async (sinceMs: number) => {
        const result = await states.changedSince(sinceMs);
        read.push(result.rows.length);
        return result;
      },
    };
    const registry = new NodeRegistry(counting, new FleetRates());
    await registry.loadAll();
    const noWrites = () => Promise.reject(new Error('refresh writes nothing'));
    // No re-read margin here (production re-reads 5 s), so each look reads only what is new.
    const sync = new NodeSync(registry, counting, noWrites, { warn: () => undefined }, 0);
    sync.start();
    await sleep(5); // updated_at is stored to the millisecond (rounded): keep the looks clear of it
    await sync.refresh();
    await sync.refresh();
    await sync.refresh();
    // The nodes were written before the registry loaded; with nothing new, every look reads nothing.
    expect(read.slice(-2)).toEqual([0, 0]);

    const nodeId = rows[0]!.id;
    await pool.query(`UPDATE nodes SET desired_stage = 'ro_iam', updated_at = clock_timestamp() WHERE id = $1`, [
      nodeId,
    ]);
    await sleep(5);
    await sync.refresh();
    expect(read.at(-1)).toBe(1);
    expect(registry.get(nodeId)?.desiredStage).toBe('ro_iam');
    await sync.refresh();
    expect(read.at(-1)).toBe(0);
  });

  it('does not bring back a node decommissioned while its row was on the way', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO nodes (id, hostname, role, updated_at)
       VALUES (gen_random_uuid(), 'kong-sync-retired', 'traditional', clock_timestamp()) RETURNING id`,
    );
    const nodeId = rows[0]!.id;
    const { repository: held, isRead, release } = holdingReads(createNodeStateRepository(pool));
    const registry = new NodeRegistry(held, new FleetRates());
    const noWrites = () => Promise.reject(new Error('refresh writes nothing'));
    const sync = new NodeSync(registry, held, noWrites, { warn: () => undefined }, 60_000);
    sync.start();
    // The refresh reads the row while the node is still live; the decommission lands before it applies it.
    const refresh = sync.refresh();
    await isRead;
    registry.remove(nodeId);
    release();
    await refresh;
    expect(registry.get(nodeId)).toBeUndefined();
    expect(await registry.ensure(nodeId)).toBeUndefined();
  });

  it('does not undo a desired stage this process wrote while its read was on the way', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO nodes (id, hostname, role, updated_at)
       VALUES (gen_random_uuid(), 'kong-sync-desired', 'traditional', clock_timestamp()) RETURNING id`,
    );
    const nodeId = rows[0]!.id;
    let hold = true;
    const { repository: held, isRead, release } = holdingReads(createNodeStateRepository(pool), () => hold);
    const registry = new NodeRegistry(held, new FleetRates());
    await registry.loadAll();
    const noWrites = () => Promise.reject(new Error('refresh writes nothing'));
    const sync = new NodeSync(registry, held, noWrites, { warn: () => undefined }, 60_000);
    sync.start();
    // The refresh reads the row (desired: password); a rollout pass commits rw_iam and sets memory
    // before the refresh applies what it read.
    const refresh = sync.refresh();
    await isRead;
    await pool.query(`UPDATE nodes SET desired_stage = 'rw_iam', updated_at = clock_timestamp() WHERE id = $1`, [
      nodeId,
    ]);
    registry.desire(registry.get(nodeId)!, { desiredStage: 'rw_iam', switchAtMs: 1_800_000_000_000 });
    release();
    await refresh;
    expect(registry.get(nodeId)?.desiredStage).toBe('rw_iam');
    expect(registry.get(nodeId)?.switchAtMs).toBe(1_800_000_000_000);

    // A row read after that write still counts: another process's later desire comes in.
    hold = false;
    await pool.query(`UPDATE nodes SET desired_stage = 'ro_iam', updated_at = clock_timestamp() WHERE id = $1`, [
      nodeId,
    ]);
    await sync.refresh();
    expect(registry.get(nodeId)?.desiredStage).toBe('ro_iam');
    expect(registry.get(nodeId)?.switchAtMs).toBeNull();
  });
});
