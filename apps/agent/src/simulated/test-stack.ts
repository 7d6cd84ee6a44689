import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, loadConfig } from '@iamroll/api';
import type { NodeStage } from '@iamroll/contracts';
import { startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { startSimulatedFleet, type SimulatedFleet, type SimulatedFleetOptions } from './index';

// The whole product on one machine, for the agent's integration tests and measurements:
// the real API (its store in the simulator's upstream PostgreSQL: one server per test file),
// two simulated RDS instances (a primary and a read replica of one AWS account), and N
// simulated Kong nodes each run by the real agent code.

export const STACK_ENROLLMENT_TOKEN = 'iamenroll_integration-test-bootstrap-token';
export const STACK_PASSWORD = 'kong-Password-for-tests-1';
export const STACK_ADMIN_PASSWORD = 'admin-Password-for-tests-1';

export interface FleetStackOptions {
  /** Names the controller's database and the temp folder. */
  readonly name: string;
  readonly nodes: number;
  readonly workers: number;
  readonly poolSize: number;
  readonly sessionMode?: 'relay' | 'answer';
  /** Heartbeat and query intervals of the nodes (default 200 ms: tests want quick turns). */
  readonly intervalMs?: number;
  readonly fleet?: Partial<SimulatedFleetOptions>;
  /** How often the leader reconciles active rollouts (default 100 ms here). */
  readonly rolloutReconcileMs?: number;
  /**
   * Every node heartbeats at the controller's 1 s "hot" interval, not the 10 s keep-alive of an
   * idle node (default true): a desired stage set directly is then heard within a second. A
   * rollout makes the nodes it moves hot by itself; this covers `setDesired` too.
   */
  readonly isEveryNodeHot?: boolean;
}

export interface ApiReply<T> {
  readonly statusCode: number;
  readonly body: T;
  readonly text: string;
}

export interface FleetStack {
  readonly primary: RdsSim;
  readonly replica: RdsSim;
  readonly app: FastifyInstance;
  /** The controller's own database, for reading what the API stored. */
  readonly db: pg.Pool;
  readonly fleet: SimulatedFleet;
  /** Each node's kong.conf as it started. */
  readonly originals: ReadonlyMap<string, string>;
  /** What the rollout reconciler does: write desired stages; the next heartbeat reply carries them. */
  setDesired(stage: NodeStage, hostname?: string): Promise<void>;
  /** Every node's file on `stage` with no switch in progress, and the API showing it. */
  allOn(stage: NodeStage): Promise<boolean>;
  stagesInApi(): Promise<string[]>;
  /** IAM logins the simulator accepted from a node (by its application_name prefix). */
  iamLogins(sim: RdsSim, node: string): number;
  /** The API as the first admin (`admin` / STACK_ADMIN_PASSWORD), signed in once: cookie + CSRF token. */
  api<T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object): Promise<ApiReply<T>>;
  /** Registers the primary and the replica as databases through the API; their ids. */
  registerDatabases(budgetPerSecond?: number): Promise<{ primaryId: string; replicaId: string }>;
  stop(): Promise<void>;
}

export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 45_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startFleetStack(options: FleetStackOptions): Promise<FleetStack> {
  const dir = await mkdtemp(join(tmpdir(), `iamroll-${options.name}-`));
  const users = {
    iamUsers: ['kong_iam'],
    passwordUsers: [{ user: 'kong', password: STACK_PASSWORD }],
    ...(options.sessionMode ? { sessionMode: options.sessionMode } : {}),
  };
  const primary = await startRdsSim(users);
  const replica = await startRdsSim({ ...users, upstream: primary.upstream, credentials: primary.credentials });

  const database = `iamroll_${options.name.replaceAll('-', '_')}`;
  const admin = new pg.Client({ ...primary.upstream, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  await admin.end();
  const { host, port, user, password } = primary.upstream;
  const databaseUrl = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    IAMROLL_ENROLLMENT_TOKEN: STACK_ENROLLMENT_TOKEN,
    IAMROLL_ADMIN_PASSWORD: STACK_ADMIN_PASSWORD,
    IAMROLL_ROLLOUT_RECONCILE_MS: String(options.rolloutReconcileMs ?? 100),
    // The keep-alive governor off: a loaded test machine must not lengthen idle nodes' heartbeats.
    IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS: '10000',
    LOG_LEVEL: 'silent',
  });
  const app = await buildApp({ ...config, databaseUrl, dataDir: join(dir, 'api') });
  if (options.isEveryNodeHot ?? true) app.fleet.replyInterval.useHotNodes(() => true);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });

  const intervalMs = options.intervalMs ?? 200;
  const fleet = await startSimulatedFleet({
    controllerUrl: `http://127.0.0.1:${address.port}`,
    enrollmentToken: STACK_ENROLLMENT_TOKEN,
    dir: join(dir, 'nodes'),
    primary,
    replica,
    nodes: options.nodes,
    workers: options.workers,
    poolSize: options.poolSize,
    password: STACK_PASSWORD,
    intervalMs,
    queryIntervalMs: intervalMs,
    ...(process.env.IAMROLL_TEST_LOG ? { log: (line: string) => console.error(line) } : {}),
    ...options.fleet,
  });
  const originals = new Map<string, string>();
  for (const member of fleet.members) originals.set(member.name, await readFile(member.confPath, 'utf8'));

  const stagesInApi = async (): Promise<string[]> => {
    const { rows } = await db.query<{ stage: string }>('SELECT stage::text AS stage FROM nodes ORDER BY hostname');
    return rows.map((row) => row.stage);
  };

  let session: Record<string, string> | undefined;
  const signIn = async (): Promise<Record<string, string>> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: STACK_ADMIN_PASSWORD },
    });
    if (response.statusCode !== 200) throw new Error(`admin login failed: ${response.statusCode} ${response.body}`);
    const cookie = response.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const { csrfToken } = response.json<{ csrfToken?: string }>();
    return { cookie, ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) };
  };
  const api = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    session ??= await signIn();
    const response = await app.inject({ method, url, headers: session, ...(payload ? { payload } : {}) });
    const text = response.body;
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { statusCode: response.statusCode, body: body as T, text };
  };

  return {
    primary,
    replica,
    app,
    db,
    fleet,
    originals,
    async setDesired(stage, hostname) {
      await db.query(
        `UPDATE nodes SET desired_stage = $1::node_stage, updated_at = clock_timestamp()
         WHERE $2::text IS NULL OR hostname = $2`,
        [stage, hostname ?? null],
      );
    },
    async allOn(stage) {
      for (const member of fleet.members) {
        const machine = member.agent.machine;
        if (machine.isBusy || (await machine.currentStage()) !== stage) return false;
      }
      return (await stagesInApi()).every((seen) => seen === stage);
    },
    stagesInApi,
    iamLogins(sim, node) {
      return Object.entries(sim.counters().loginsByApplication)
        .filter(([name]) => name.startsWith(`${node}/`))
        .reduce((sum, [, counts]) => sum + counts.iam, 0);
    },
    api,
    async registerDatabases(budgetPerSecond = 200) {
      const register = async (identifier: string, sim: RdsSim): Promise<string> => {
        const reply = await api<{ id: string }>('POST', '/api/v1/databases', {
          identifier,
          host: sim.endpointHost,
          port: sim.endpointPort,
          region: sim.region,
          budgetPerSecond,
          reason: 'integration test: the simulated RDS instance',
        });
        if (reply.statusCode !== 201 && reply.statusCode !== 200)
          throw new Error(`registering ${identifier} failed: ${reply.statusCode} ${reply.text}`);
        return reply.body.id;
      };
      return { primaryId: await register('kong-db', primary), replicaId: await register('kong-db-ro', replica) };
    },
    async stop() {
      await fleet.stop();
      await db.end();
      await app.close();
      await replica.close();
      await primary.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
