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

// The same stack with the simulator in answer mode (what the sandbox and benchmarks use for
// fleets that relaying cannot hold): the nodes' sessions never reach PostgreSQL, yet the
// rollout still works end to end and the simulator still judges every login.

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
  dir = await mkdtemp(join(tmpdir(), 'iamroll-agent-answer-it-'));
  const users = {
    iamUsers: ['kong_iam'],
    passwordUsers: [{ user: 'kong', password: PASSWORD }],
    sessionMode: 'answer' as const,
  };
  primary = await startRdsSim(users);
  // One AWS account: the replica accepts the primary's access key.
  replica = await startRdsSim({ ...users, upstream: primary.upstream, credentials: primary.credentials });

  // The controller's own database lives in the simulator's upstream PostgreSQL (one server for the test).
  const admin = new pg.Client({ ...primary.upstream, database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE iamroll_answer_it');
  await admin.end();
  const { host, port, user, password } = primary.upstream;
  const databaseUrl = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/iamroll_answer_it`;
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
    nodes: 4,
    workers: 3,
    poolSize: 3,
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

describe('simulated nodes in answer mode', () => {
  it('go password → rw_iam with token logins at both instances, then back byte-identical', async () => {
    await eventually(async () => (await stagesInApi()).length === 4, 'four nodes in the API');
    await setDesired('rw_iam');
    await eventually(() => allOn('rw_iam'), 'every node on rw_iam');
    for (const member of fleet.members) {
      expect(iamLogins(primary, member.name)).toBeGreaterThanOrEqual(3 * 3);
      expect(iamLogins(replica, member.name)).toBeGreaterThanOrEqual(3 * 3);
    }
    await setDesired('password');
    await eventually(() => allOn('password'), 'every node on password');
    for (const member of fleet.members) {
      expect(await readFile(member.confPath, 'utf8')).toBe(originals.get(member.name));
      expect(member.node.failedQueries).toBe(0);
    }
    expect(primary.counters().totals.IamDbAuthConnectionFailure).toBe(0);
  });
});
