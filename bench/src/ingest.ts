import { performance } from 'node:perf_hooks';
import { startApiProcess } from './ingest/api-process';
import { parseIngestArgs } from './ingest/args';
import { installChildCleanup } from './ingest/children';
import { measureBaseline, type BaselineFigures } from './ingest/baseline';
import { Fleet, registerDatabases } from './ingest/fleet';
import { createPool } from './ingest/http';
import { round } from './ingest/latency';
import { findMax, measureFleet, P99_LIMIT_MS } from './ingest/measure-fleet';
import { checkHeartbeatEndpoint } from './ingest/probe';
import { formatSummary } from './ingest/summary';

// Heartbeat ingest: a fleet of simulated agents, each POSTing a heartbeat
// every second, against the real controller (its own process, durable
// embedded PostgreSQL). Measures the heartbeats/s it answers and their
// latency, next to what a bare Fastify does on the same machine.

export async function ingest(argv: readonly string[]): Promise<void> {
  const args = parseIngestArgs(argv);
  installChildCleanup();
  const log = (line: string) => process.stderr.write(`${line}\n`);

  log(`baseline: bare Fastify, ${args.baselineConcurrency} callers, ${args.baselineSeconds} s…`);
  const baseline: BaselineFigures = await measureBaseline(args);
  log(
    `baseline: ${baseline.baseline_rps} req/s, p99 ${baseline.baseline_p99_ms} ms (cores: load generator ${baseline.baseline_generator_cores}, server ${baseline.baseline_server_cores}, whole machine ${baseline.baseline_machine_cores})`,
  );

  log('starting the API (embedded PostgreSQL, fresh data dir)…');
  const api = await startApiProcess({ dbPoolSize: args.dbPoolSize, cpuProfileDir: args.apiCpuProfileDir });
  const pool = createPool(api.origin, args.connections);
  try {
    const databasesRegistered = await registerDatabases(pool, api.adminPassword);
    const fleet = new Fleet(pool, api.enrollmentToken);
    const enrollStartMs = performance.now();
    await fleet.grow(args.nodes);
    const enrollSeconds = (performance.now() - enrollStartMs) / 1000;
    log(`enrolled ${args.nodes} agents in ${round(enrollSeconds, 1)} s; ${databasesRegistered} databases registered`);
    await checkHeartbeatEndpoint(pool, fleet);

    log(`heartbeats: ${args.nodes} agents at 1 Hz, ${args.warmupSeconds} s warm-up + ${args.durationSeconds} s…`);
    const main = await measureFleet(pool, fleet, api, args, args.nodes);
    const found = args.isFindingMax ? await findMax(pool, fleet, api, args, main, log) : undefined;

    const result = {
      ...main,
      baseline_rps: baseline.baseline_rps,
      ratio: baseline.baseline_rps > 0 ? round(main.heartbeats_per_s / baseline.baseline_rps, 4) : null,
      baseline_p99_ms: baseline.baseline_p99_ms,
      baseline_generator_cores: baseline.baseline_generator_cores,
      baseline_server_cores: baseline.baseline_server_cores,
      baseline_machine_cores: baseline.baseline_machine_cores,
      ...(found ? { max_nodes_p99_under_100ms: found.maxHeld, steps: found.steps } : {}),
      enroll_s: round(enrollSeconds, 1),
      databases_registered: databasesRegistered,
      duration_s: args.durationSeconds,
      connections: args.connections,
    };
    process.stdout.write(args.isJson ? `${JSON.stringify(result)}\n` : formatSummary(result, P99_LIMIT_MS));
  } catch (error) {
    throw new Error(`${(error as Error).message}${await api.logTail()}`);
  } finally {
    await pool.close();
    await api.close();
  }
}
