import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmbeddedPg, type EmbeddedPg } from '@iamroll/embedded-pg';
import type { Pool } from 'undici';
import { AlarmProbe } from './ingest/alarm-probe';
import { startApiProcess, type ApiProcess } from './ingest/api-process';
import { parseIngestArgs, type IngestArgs } from './ingest/args';
import { installChildCleanup } from './ingest/children';
import { confineToCpuQuota, type CpuQuota } from './ingest/cpu-quota';
import { measureBaseline, type BaselineFigures } from './ingest/baseline';
import { benchDatabases, Fleet, PROBE_DATABASE, registerDatabases, signIn } from './ingest/fleet';
import { LoadGenerators } from './ingest/generator';
import { createPool } from './ingest/http';
import { round } from './ingest/latency';
import { findMax, holds, measureFleet, P99_LIMIT_MS } from './ingest/measure-fleet';
import { checkHeartbeatEndpoint } from './ingest/probe';
import type { SimulatedAgent } from './ingest/simulated-agent';
import { formatSummary } from './ingest/summary';

// Heartbeat ingest: a fleet of simulated agents, each POSTing a heartbeat
// every second, against the real controller (its own process, durable
// embedded PostgreSQL). Measures the heartbeats/s it answers and their
// latency, next to what a bare Fastify does on the same machine.

export async function ingest(argv: readonly string[]): Promise<void> {
  const args = parseIngestArgs(argv);
  installChildCleanup();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // First: every process started after this inherits the quota (a slower machine, reproducibly).
  const quota = args.cpuQuotaCores === undefined ? undefined : await confineToCpuQuota(args.cpuQuotaCores);
  if (quota) log(`the whole bench runs on ${quota.cores} cores' worth of CPU time (control group ${quota.path})`);
  try {
    await run(args, log);
  } finally {
    await quota?.release();
  }
}

async function run(args: IngestArgs, log: (line: string) => void): Promise<void> {
  // The load generators run in processes of their own (ingest/generator.ts), started first, stopped last.
  const generators = await LoadGenerators.start(args.generators, args.generatorNice);
  log(`baseline: bare Fastify, ${args.baselineConcurrency} callers, ${args.baselineSeconds} s…`);
  const baseline: BaselineFigures = await measureBaseline(args, generators).catch(async (error: unknown) => {
    await generators.close();
    throw error;
  });
  log(
    `baseline: ${baseline.baseline_rps} req/s, p99 ${baseline.baseline_p99_ms} ms (cores: load generator ${baseline.baseline_generator_cores}, server ${baseline.baseline_server_cores}, whole machine ${baseline.baseline_machine_cores})`,
  );

  // K processes share one PostgreSQL: the bench starts it (embedded, durable) and hands its URL to each.
  let sharedPg: { pg: EmbeddedPg; root: string } | undefined;
  const apis: ApiProcess[] = [];
  const pools: Pool[] = [];
  try {
    let databaseUrl: string | undefined;
    if (args.processes > 1) {
      const root = await mkdtemp(join(tmpdir(), 'iamroll-bench-pg-'));
      await chmod(root, 0o755); // as root, PostgreSQL runs as `postgres`, which must enter it
      // At the niceness the API gives its own embedded PostgreSQL (IAMROLL_EMBEDDED_PG_NICE's default).
      const pg = await startEmbeddedPg({ dataDir: join(root, 'pg'), isPersistent: false, isDurable: true, nice: 10 });
      sharedPg = { pg, root };
      await pg.ensureDatabase('iamroll');
      databaseUrl = pg.connectionString('iamroll');
    }
    log(`starting ${args.processes} API process(es)…`);
    for (let i = 0; i < args.processes; i += 1) {
      const first = apis[0];
      apis.push(
        await startApiProcess({
          dbPoolSize: args.dbPoolSize,
          cpuProfileDir: args.apiCpuProfileDir,
          nodeOptions: args.apiNodeOptions,
          databaseUrl,
          adminPassword: first?.adminPassword,
          enrollmentToken: first?.enrollmentToken,
          // The keep-alive the replies ask for is the one the idle agents keep.
          env: { IAMROLL_HEARTBEAT_KEEP_ALIVE_MS: String(args.keepAliveSeconds * 1000) },
        }),
      );
    }
    for (const api of apis) pools.push(createPool(api.origin, Math.ceil(args.connections / apis.length)));
    const [pool, api] = [pools[0] as Pool, apis[0] as ApiProcess];
    const result = await measureApi(generators, pools, apis, pool, api, args, baseline, log).catch(
      async (error: unknown) => {
        throw new Error(`${(error as Error).message}${await api.logTail()}`);
      },
    );
    process.stdout.write(args.isJson ? `${JSON.stringify(result)}\n` : formatSummary(result, P99_LIMIT_MS));
  } finally {
    await generators.close();
    await Promise.all(pools.map((pool) => pool.close()));
    for (const api of apis.reverse()) await api.close();
    if (sharedPg) {
      await sharedPg.pg.stop();
      await rm(sharedPg.root, { recursive: true, force: true });
    }
  }
}

async function measureApi(
  generators: LoadGenerators,
  pools: readonly Pool[],
  apis: readonly ApiProcess[],
  pool: Pool,
  api: ApiProcess,
  args: IngestArgs,
  baseline: BaselineFigures,
  log: (line: string) => void,
) {
  const session = await signIn(pool, api.adminPassword);
  const databases = benchDatabases(Math.max(args.nodes, args.isFindingMax ? args.maxNodes : 0));
  const ids = await registerDatabases(pool, session, [...databases, PROBE_DATABASE]);
  const intervalMs = args.profile === 'fleet' ? args.keepAliveSeconds * 1000 : 1000;
  const fleet = new Fleet(pool, api.enrollmentToken, databases, { intervalMs });
  const enrollStartMs = performance.now();
  await fleet.grow(args.nodes);
  const enrollSeconds = (performance.now() - enrollStartMs) / 1000;
  log(`enrolled ${args.nodes} agents in ${round(enrollSeconds, 1)} s; ${ids.size} databases registered`);
  await checkHeartbeatEndpoint(pool, fleet);

  // The probe: one more agent, on a database of its own (IAM), for rate lag and alarm latency.
  const probeDatabaseId = ids.get(PROBE_DATABASE.identifier);
  let probe: AlarmProbe | undefined;
  if (probeDatabaseId) {
    const probeFleet = new Fleet(pool, api.enrollmentToken, [PROBE_DATABASE], {
      intervalMs,
      isIam: true,
      hostname: 'kong-bench-probe',
    });
    await probeFleet.grow(1);
    // Its heartbeats go to the last process, its SSE stream to the first: both cross processes when K > 1.
    const probePool = pools[pools.length - 1] as Pool;
    probe = new AlarmProbe(probePool, api.origin, session, probeFleet.agents[0] as SimulatedAgent, probeDatabaseId);
    await probe.open();
  }

  // A slower API loop: each API process alone on a quota from here on (enrolling 10,000 agents on it would take minutes).
  const apiQuotas: CpuQuota[] = [];
  try {
    if (args.apiCpuQuotaCores !== undefined) {
      for (const each of apis) apiQuotas.push(await confineToCpuQuota(args.apiCpuQuotaCores, each.pid));
      log(
        `each API process now runs on ${args.apiCpuQuotaCores} cores' worth of CPU time (its PostgreSQL and the load generator do not)`,
      );
    }
    log(
      `heartbeats: ${args.nodes} agents, profile ${args.profile}${args.profile === 'fleet' ? ` (idle keep-alive ${args.keepAliveSeconds} s)` : ''}, ${apis.length} process(es), ${args.warmupSeconds} s warm-up + ${args.durationSeconds} s…`,
    );
    const main = await measureFleet(generators, pools, fleet, apis, args, args.nodes, probe);
    const found = args.isFindingMax ? await findMax(generators, pools, fleet, apis, args, main, log) : undefined;
    const heldRates = found ? found.steps.filter(holds).map((step) => step.heartbeats_per_s) : [];
    return {
      ...main,
      baseline_rps: baseline.baseline_rps,
      ratio: baseline.baseline_rps > 0 ? round(main.heartbeats_per_s / baseline.baseline_rps, 4) : null,
      capacity_ratio:
        found && baseline.baseline_rps > 0 && heldRates.length > 0
          ? round(Math.max(...heldRates) / baseline.baseline_rps, 4)
          : null,
      baseline_p99_ms: baseline.baseline_p99_ms,
      baseline_generator_cores: baseline.baseline_generator_cores,
      baseline_server_cores: baseline.baseline_server_cores,
      baseline_machine_cores: baseline.baseline_machine_cores,
      ...(found ? { max_nodes_p99_under_100ms: found.maxHeld, steps: found.steps } : {}),
      enroll_s: round(enrollSeconds, 1),
      databases_registered: ids.size,
      duration_s: args.durationSeconds,
      connections: args.connections,
      generator_nice: args.generatorNice,
      cpu_quota_cores: args.cpuQuotaCores ?? null,
      api_cpu_quota_cores: args.apiCpuQuotaCores ?? null,
      api_node_options: args.apiNodeOptions,
      keep_alive_ms: args.profile === 'fleet' ? args.keepAliveSeconds * 1000 : null,
    };
  } finally {
    for (const quota of apiQuotas) await quota.release();
    await probe?.close();
  }
}
