import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, loadConfig } from '@iamroll/api';
import { startRdsSim } from '@iamroll/rds-sim';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startSimulatedFleet } from './index';

// A measurement, not a check: run with IAMROLL_MEASURE=1 (optionally IAMROLL_MEASURE_NODES).
// The whole product in one process: API, two simulated instances in answer mode at 200/s,
// N nodes × 4 workers × pool 5 (rw + ro) each with its own agent heartbeating every second;
// steady state, then every node switched to rw_iam in waves the budget can take (what the
// rollout engine will pace), printing one JSON line.
const NODES = Number(process.env.IAMROLL_MEASURE_NODES ?? 100);
const WORKERS = 4;
const POOL = 5;

describe.runIf(process.env.IAMROLL_MEASURE === '1')('fleet at scale (measurement)', () => {
  it('holds the fleet and rolls it to rw_iam under the budget', { timeout: 900_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iamroll-measure-'));
    const password = 'measure-Password-1';
    const users = {
      iamUsers: ['kong_iam'],
      passwordUsers: [{ user: 'kong', password }],
      sessionMode: 'answer' as const,
    };
    const primary = await startRdsSim(users);
    const replica = await startRdsSim({ ...users, upstream: primary.upstream, credentials: primary.credentials });
    const admin = new pg.Client({ ...primary.upstream, database: 'postgres' });
    await admin.connect();
    await admin.query('CREATE DATABASE iamroll_measure');
    await admin.end();
    const { host, port, user, password: adminPassword } = primary.upstream;
    const databaseUrl = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(adminPassword)}@${host}:${port}/iamroll_measure`;
    const token = 'iamenroll_measurement-bootstrap-token';
    const config = loadConfig({ DATABASE_URL: databaseUrl, IAMROLL_ENROLLMENT_TOKEN: token, LOG_LEVEL: 'silent' });
    const app = await buildApp({ ...config, databaseUrl, dataDir: join(dir, 'api') });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });

    const startedAt = Date.now();
    const fleet = await startSimulatedFleet({
      controllerUrl: `http://127.0.0.1:${address.port}`,
      enrollmentToken: token,
      dir: join(dir, 'nodes'),
      primary,
      replica,
      nodes: NODES,
      workers: WORKERS,
      poolSize: POOL,
      password,
    });
    const startS = (Date.now() - startedAt) / 1000;
    const cpuBefore = process.cpuUsage();
    const wallBefore = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const steadyCpu = process.cpuUsage(cpuBefore);
    const steady = {
      cpu_cores: Number(((steadyCpu.user + steadyCpu.system) / 1000 / (Date.now() - wallBefore)).toFixed(2)),
      rss_mib: Math.round(process.memoryUsage().rss / 2 ** 20),
      connections: fleet.members.reduce((sum, m) => sum + m.node.openConnections, 0),
    };

    // Waves: a node's rw_iam restart costs WORKERS × POOL logins on each instance (+1 probe login).
    const perWave = Math.max(1, Math.floor((0.5 * 200) / (WORKERS * POOL + 1)));
    const queriesFailedBefore = fleet.members.reduce((sum, m) => sum + m.node.failedQueries, 0);
    const rollStart = Date.now();
    for (let i = 0; i < fleet.members.length; i += perWave) {
      const names = fleet.members.slice(i, i + perWave).map((m) => m.name);
      await db.query(
        `UPDATE nodes SET desired_stage = 'rw_iam', updated_at = clock_timestamp() WHERE hostname = ANY($1)`,
        [names],
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const deadline = Date.now() + 600_000;
    for (;;) {
      let done = 0;
      for (const m of fleet.members)
        if (!m.agent.machine.isBusy && (await m.agent.machine.currentStage()) === 'rw_iam') done += 1;
      if (done === fleet.members.length || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const peak = (sim: typeof primary): number =>
      Math.max(...sim.counters().perSecond.map((s) => s.IamDbAuthConnectionRequests));
    const result = {
      nodes: NODES,
      workers: WORKERS,
      pool: POOL,
      start_s: Number(startS.toFixed(1)),
      steady,
      roll_s: Number(((Date.now() - rollStart) / 1000).toFixed(1)),
      nodes_per_wave: perWave,
      switched: fleet.members.filter((m) => m.agent.machine.report().completedSwitches >= 1).length,
      failed_switches: fleet.members.reduce((sum, m) => sum + m.agent.machine.report().failedSwitches, 0),
      throttled:
        primary.counters().totals.IamDbAuthConnectionFailureThrottling +
        replica.counters().totals.IamDbAuthConnectionFailureThrottling,
      failed_queries: fleet.members.reduce((sum, m) => sum + m.node.failedQueries, 0) - queriesFailedBefore,
      peak_iam_logins_per_s: { primary: peak(primary), replica: peak(replica) },
      rss_mib_after: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
    console.log(JSON.stringify(result));
    await fleet.stop();
    await db.end();
    await app.close();
    await replica.close();
    await primary.close();
    await rm(dir, { recursive: true, force: true });
    expect(result.switched).toBe(NODES);
  });
});
