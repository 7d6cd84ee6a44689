import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, loadConfig } from '@iamroll/api';
import type { NodeStage } from '@iamroll/contracts';
import { startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedFleet, type SimulatedFleet } from './index';

// Given the real API, two simulated RDS instances (primary + replica) and three simulated
// Kong nodes each run by the real agent code, when the controller's desired stage moves
// password → ro_iam → rw_iam → password, then every node follows, logging in with tokens
// where the stage says so (counted per node at the simulator), and ends with its kong.conf
// byte-identical to the one it started with.

const ENROLLMENT_TOKEN = 'iamenroll_integration-test-bootstrap-token';
const PASSWORD = 'kong-Password-for-tests-1';

let dir: string;
let primary: RdsSim;
let replica: RdsSim;
let app: FastifyInstance;
let db: pg.Pool;
let fleet: SimulatedFleet;
const originals = new Map<string, string>();

async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What the rollout engine will do: write the node's desired stage; NodeSync hands it to the next reply. */
async function setDesired(stage: NodeStage): Promise<void> {
  await db.query(`UPDATE nodes SET desired_stage = $1::node_stage, updated_at = clock_timestamp()`, [stage]);
}

function iamLogins(sim: RdsSim, node: string): number {
  return Object.entries(sim.counters().loginsByApplication)
    .filter(([name]) => name.startsWith(`${node}/`))
    .reduce((sum, [, counts]) => sum + counts.iam, 0);
}

/** Every node's file on `stage` with no switch in progress, and the API showing it. */
async function allOn(stage: NodeStage): Promise<boolean> {
  for (const member of fleet.members) {
    const machine = member.agent.machine;
    if (machine.isBusy || (await machine.currentStage()) !== stage) return false;
  }
  return (await stagesInApi()).every((seen) => seen === stage);
}

async function stagesInApi(): Promise<string[]> {
  const { rows } = await db.query<{ stage: string }>('SELECT stage::text AS stage FROM nodes ORDER BY hostname');
  return rows.map((row) => row.stage);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iamroll-agent-it-'));
  const users = { iamUsers: ['kong_iam'], passwordUsers: [{ user: 'kong', password: PASSWORD }] };
  primary = await startRdsSim(users);
  // One AWS account: the replica accepts the primary's access key.
  replica = await startRdsSim({ ...users, upstream: primary.upstream, credentials: primary.credentials });

  // The controller's own database lives in the simulator's upstream PostgreSQL (one server for the test).
  const admin = new pg.Client({ ...primary.upstream, database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE iamroll_it');
  await admin.end();
  const { host, port, user, password } = primary.upstream;
  const databaseUrl = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/iamroll_it`;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    IAMROLL_ENROLLMENT_TOKEN: ENROLLMENT_TOKEN,
    LOG_LEVEL: 'silent',
  });
  app = await buildApp({ ...config, databaseUrl, dataDir: join(dir, 'api') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  db = new pg.Pool({ connectionString: databaseUrl, max: 2 });

  fleet = await startSimulatedFleet({
    controllerUrl: `http://127.0.0.1:${address.port}`,
    enrollmentToken: ENROLLMENT_TOKEN,
    dir: join(dir, 'nodes'),
    primary,
    replica,
    nodes: 3,
    workers: 2,
    poolSize: 2,
    password: PASSWORD,
    intervalMs: 200,
    queryIntervalMs: 200,
    ...(process.env.IAMROLL_TEST_LOG ? { log: (line: string) => console.error(line) } : {}),
  });
  for (const member of fleet.members) originals.set(member.name, await readFile(member.confPath, 'utf8'));
}, 120_000);

afterAll(async () => {
  await fleet?.stop();
  await db?.end();
  await app?.close();
  await replica?.close();
  await primary?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('simulated nodes driven by the agent, through the API and the simulator', () => {
  it('enroll and report their configuration with no secret in it', async () => {
    await eventually(async () => (await stagesInApi()).length === 3, 'three nodes in the API');
    const { rows } = await db.query<{ effective: unknown; workers: number }>(
      'SELECT effective_config AS effective, workers FROM nodes',
    );
    await eventually(async () => {
      const { rows: seen } = await db.query('SELECT 1 FROM nodes WHERE last_seen_at IS NOT NULL');
      return seen.length === 3;
    }, 'heartbeats stored');
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
    for (const member of fleet.members) {
      expect(iamLogins(primary, member.name)).toBe(0);
      expect(iamLogins(replica, member.name)).toBe(0);
    }
  });

  it('follow the desired stage to ro_iam: the replica sees token logins from every node, the primary none', async () => {
    await setDesired('ro_iam');
    await eventually(() => allOn('ro_iam'), 'every node on ro_iam');
    for (const member of fleet.members) {
      expect(await readFile(member.confPath, 'utf8')).toContain('pg_ro_iam_auth = on');
      expect(iamLogins(replica, member.name)).toBeGreaterThanOrEqual(2 * 2); // workers × pool size
      expect(iamLogins(primary, member.name)).toBe(0);
      expect(member.agent.machine.report()).toMatchObject({ status: 'idle', completedSwitches: 1 });
    }
  });

  it('then to rw_iam: both instances see token logins from every node', async () => {
    await setDesired('rw_iam');
    await eventually(() => allOn('rw_iam'), 'every node on rw_iam');
    for (const member of fleet.members) {
      expect(iamLogins(primary, member.name)).toBeGreaterThanOrEqual(2 * 2);
      expect(member.node.failedQueries).toBe(0);
    }
    expect(primary.counters().totals.IamDbAuthConnectionFailure).toBe(0);
    expect(replica.counters().totals.IamDbAuthConnectionFailure).toBe(0);
  });

  it('and back to password: every kong.conf byte-identical to the original', async () => {
    await setDesired('password');
    await eventually(() => allOn('password'), 'every node on password');
    for (const member of fleet.members) {
      expect(await readFile(member.confPath, 'utf8')).toBe(originals.get(member.name));
      expect(member.agent.machine.report()).toMatchObject({ completedSwitches: 3, failedSwitches: 0 });
    }
  });

  it.each(['backed-up', 'written'] as const)(
    'an agent killed after %s: the next agent process ends the node on one stage, original intact',
    async (step) => {
      const member = fleet.members[1];
      if (!member) throw new Error('no node');
      await member.restartAgent({
        onStep: (reached) => {
          if (reached === step) throw new Error(`simulated kill after ${step}`);
        },
      });
      await db.query(`UPDATE nodes SET desired_stage = 'ro_iam', updated_at = clock_timestamp() WHERE hostname = $1`, [
        member.name,
      ]);
      await eventually(() => member.agent.machine.isBusy, 'the switch started and died');
      await member.restartAgent(); // a new agent process on the same state directory
      expect(member.agent.machine.report().failedSwitches).toBeGreaterThanOrEqual(1); // undone on recovery
      await eventually(
        async () => (await member.agent.machine.currentStage()) === 'ro_iam' && !member.agent.machine.isBusy,
        'the node retried and reached ro_iam',
      );
      await setDesired('password');
      await eventually(() => allOn('password'), 'every node on password');
      expect(await readFile(member.confPath, 'utf8')).toBe(originals.get(member.name));
    },
  );

  it('a failing restart is undone byte-identical and reported to the controller', async () => {
    const [member] = fleet.members;
    if (!member) throw new Error('no node');
    member.node.failRestarts = 1;
    await db.query(`UPDATE nodes SET desired_stage = 'ro_iam', updated_at = clock_timestamp() WHERE hostname = $1`, [
      member.name,
    ]);
    await eventually(() => member.agent.machine.report().failedSwitches === 1, 'the switch failed');
    expect(await readFile(member.confPath, 'utf8')).toBe(originals.get(member.name));
    await eventually(async () => {
      const { rows } = await db.query<{ message: string | null }>(
        'SELECT status_message AS message FROM nodes WHERE hostname = $1',
        [member.name],
      );
      return rows[0]?.message?.includes('restart failed') === true;
    }, 'the API stores the reason');
    await setDesired('password');
  });
});
