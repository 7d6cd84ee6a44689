import type { Pool } from 'undici';
import type { AlarmProbe, ProbeFigures } from './alarm-probe';
import type { ApiProcess } from './api-process';
import type { IngestArgs } from './args';
import { startCpuSpan } from './cpu';
import type { Fleet } from './fleet';
import { round, roundOrNull } from './latency';
import { watchLoopDelay, watchOwnLoopDelay } from './loop-delay';
import type { LoadGenerators } from './generator';

/** The latency a heartbeat may take and still count as "held" (find-max). */
export const P99_LIMIT_MS = 100;
/** Rate-lag samples of the probe, seconds apart. */
const PROBE_EVERY_MS = 2_000;

export interface FleetFigures {
  readonly nodes: number;
  readonly profile: string;
  readonly processes: number;
  /** 2xx answers per second in the measured window (offered: nodes per second). */
  readonly heartbeats_per_s: number;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
  readonly errors: number;
  readonly non_2xx: number;
  readonly skipped: number;
  readonly statuses?: Readonly<Record<number, number>>;
  /**
   * Fleet profile: the replies' `intervalMs` in the window, with counts. The agents follow them, as
   * real agents do: longer than the keep-alive when the API's loop was busy (IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS).
   */
  readonly reply_interval_ms?: Readonly<Record<number, number>>;
  readonly scheduler_lag_p99_ms: number | null;
  /** Cores busy on average: the load generator's process(es), and the API with its PostgreSQL. */
  readonly generator_cores: number;
  /** The generator's own event-loop delay: its send times and latencies are late by up to this. */
  readonly generator_loop_delay_p99_ms: number;
  readonly generator_loop_delay_max_ms: number;
  /** The bench's main process meanwhile (the probe, /metrics scrapes): not the load. */
  readonly bench_cores: number;
  /** The bench's own (nearly idle) main process: a long delay here is the machine, not the API. */
  readonly bench_loop_delay_p99_ms: number;
  readonly bench_loop_delay_max_ms: number;
  readonly server_cores: number | null;
  /** The API's Node process alone: near 1 means its event loop is the limit. */
  readonly api_process_cores: number | null;
  /**
   * Its PostgreSQL server and backends: `server_cores` less `api_process_cores`. Null with
   * several processes (their shared PostgreSQL is the bench's, not theirs).
   */
  readonly database_cores: number | null;
  /**
   * CPU milliseconds the API process spent per heartbeat answered (its background loops included):
   * CPU time, so far less sensitive to other load on the machine than the latencies.
   */
  readonly api_cpu_ms_per_heartbeat: number | null;
  /**
   * Cores busy on the whole machine (kernel included). Well above
   * generator + server means something else ran meanwhile: the figures are
   * then noisy.
   */
  readonly machine_cores: number | null;
  /** The API's event-loop delay over the measured window (/metrics, every process): worst 10 s p99, longest. */
  readonly api_loop_delay_p99_ms: number | null;
  readonly api_loop_delay_max_ms: number | null;
  /** The API's longest garbage-collection pause in the window (null when it exports none). */
  readonly api_gc_pause_max_ms: number | null;
  /** The largest V8 heap in use any API process showed at a scrape (MB). */
  readonly api_heap_used_mb: number | null;
  /** The largest resident memory any API process showed at a scrape (MB). */
  readonly api_rss_mb: number | null;
  /** The highest event-loop utilisation (5 s average, 0–1) any API process showed at a scrape. */
  readonly api_loop_utilisation_max: number | null;
  /** With a probe (the main run): a login → the database's per-second series showing it. */
  readonly rate_lag_p99_ms?: number | null;
  readonly rate_lag_samples?: number;
  /** With a probe: a storm's heartbeat → its critical alarm on the SSE stream (wall clock). */
  readonly alarm_latency_ms?: number | null;
  /** Why alarm_latency_ms is null (the API's log tail goes to stderr with it). */
  readonly alarm_missing?: string;
}

export const holds = (f: FleetFigures) =>
  f.p99_ms !== null && f.p99_ms < P99_LIMIT_MS && f.errors === 0 && f.non_2xx === 0 && f.skipped === 0;

export async function measureFleet(
  generators: LoadGenerators,
  pools: readonly Pool[],
  fleet: Fleet,
  apis: readonly ApiProcess[],
  args: IngestArgs,
  nodes: number,
  probe?: AlarmProbe,
): Promise<FleetFigures> {
  await fleet.grow(nodes);
  await fleet.introduce(pools);
  await generators.sync(fleet.agents);
  const warmupMs = args.warmupSeconds * 1000;
  const durationMs = args.durationSeconds * 1000;
  const endCpuSpan = await startCpuSpan(apis.map((api) => api.pid));
  const loopDelay = watchLoopDelay(pools, args.metricsToken, warmupMs, durationMs);
  const ownLoopDelay = watchOwnLoopDelay(warmupMs, durationMs);
  const probed: Promise<ProbeFigures | undefined> = probe
    ? new Promise((resolve) => setTimeout(resolve, warmupMs)).then(() => probe.measure(durationMs, PROBE_EVERY_MS))
    : Promise.resolve(undefined);
  const { result, generator } = await generators.runOpen({
    origins: apis.map((api) => api.origin),
    connections: args.connections,
    nodes,
    warmupMs,
    durationMs,
    profile: args.profile,
    keepAliveSeconds: args.keepAliveSeconds,
  });
  const cpu = await endCpuSpan();
  const delay = await loopDelay;
  const ownDelay = await ownLoopDelay;
  const probeFigures = await probed;
  if (probeFigures?.alarmMissing) {
    const tails = await Promise.all(apis.map((api) => api.logTail()));
    process.stderr.write(`alarm latency not measured: ${probeFigures.alarmMissing}${tails.join('')}\n`);
  }
  return {
    nodes,
    profile: args.profile,
    processes: apis.length,
    heartbeats_per_s: round(result.ok / args.durationSeconds, 1),
    p50_ms: roundOrNull(result.latency.quantile(0.5)),
    p99_ms: roundOrNull(result.latency.quantile(0.99)),
    max_ms: roundOrNull(result.latency.max()),
    errors: result.errors,
    non_2xx: result.non2xx,
    skipped: result.skipped,
    ...(result.non2xx > 0 ? { statuses: result.statuses } : {}),
    ...(args.profile === 'fleet' ? { reply_interval_ms: result.replyIntervals } : {}),
    scheduler_lag_p99_ms: roundOrNull(result.schedulerLag.quantile(0.99)),
    generator_cores: round(generator.cores),
    generator_loop_delay_p99_ms: round(generator.loopDelayP99Ms),
    generator_loop_delay_max_ms: round(generator.loopDelayMaxMs),
    bench_cores: round(cpu.benchCores),
    bench_loop_delay_p99_ms: round(ownDelay.p99Ms),
    bench_loop_delay_max_ms: round(ownDelay.maxMs),
    server_cores: roundOrNull(cpu.serverCores),
    api_process_cores: roundOrNull(cpu.serverProcessCores),
    database_cores:
      cpu.serverCores === null || cpu.serverProcessCores === null || apis.length > 1
        ? null
        : roundOrNull(cpu.serverCores - cpu.serverProcessCores),
    api_cpu_ms_per_heartbeat:
      cpu.serverProcessCores === null || result.okWithWarmup === 0
        ? null
        : round((cpu.serverProcessCores * 1000 * cpu.seconds) / result.okWithWarmup, 3),
    machine_cores: roundOrNull(cpu.machineCores),
    api_loop_delay_p99_ms: delay ? round(delay.p99Ms) : null,
    api_loop_delay_max_ms: delay ? round(delay.maxMs) : null,
    api_gc_pause_max_ms: delay?.gcMaxMs == null ? null : round(delay.gcMaxMs),
    api_heap_used_mb: delay?.heapUsedMb == null ? null : round(delay.heapUsedMb),
    api_rss_mb: delay?.rssMb == null ? null : round(delay.rssMb),
    api_loop_utilisation_max: delay?.utilisation == null ? null : round(delay.utilisation),
    ...(probeFigures
      ? {
          rate_lag_p99_ms: roundOrNull(probeFigures.rateLag.quantile(0.99)),
          rate_lag_samples: probeFigures.rateLag.count,
          alarm_latency_ms: roundOrNull(probeFigures.alarmLatencyMs),
          ...(probeFigures.alarmMissing ? { alarm_missing: probeFigures.alarmMissing } : {}),
        }
      : {}),
  };
}

/**
 * Fleet sizes step, 2·step, … up to maxNodes until one does not hold; then
 * halves the gap between the last that held and the first that did not until
 * it is at most step/4 (two more runs), for a finer answer than the step.
 */
export async function findMax(
  generators: LoadGenerators,
  pools: readonly Pool[],
  fleet: Fleet,
  apis: readonly ApiProcess[],
  args: IngestArgs,
  known: FleetFigures,
  log: (line: string) => void,
) {
  const steps: FleetFigures[] = [];
  const run = async (nodes: number) => {
    const figures = nodes === known.nodes ? known : await measureFleet(generators, pools, fleet, apis, args, nodes);
    steps.push(figures);
    log(
      `find-max: ${nodes} nodes → ${figures.heartbeats_per_s} heartbeats/s, p99 ${figures.p99_ms} ms, errors ${figures.errors}, non-2xx ${figures.non_2xx}, skipped ${figures.skipped}`,
    );
    return holds(figures);
  };
  let maxHeld: number | null = null;
  let firstFailed: number | null = null;
  for (let nodes = args.stepNodes; nodes <= args.maxNodes && firstFailed === null; nodes += args.stepNodes) {
    if (await run(nodes)) maxHeld = nodes;
    else firstFailed = nodes;
  }
  const resolution = Math.max(1, Math.floor(args.stepNodes / 4));
  while (firstFailed !== null && firstFailed - (maxHeld ?? 0) > resolution) {
    const nodes = Math.round(((maxHeld ?? 0) + firstFailed) / 2);
    if (await run(nodes)) maxHeld = nodes;
    else firstFailed = nodes;
  }
  return { maxHeld, steps };
}
