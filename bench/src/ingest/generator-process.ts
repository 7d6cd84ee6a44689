// Child process: the load generator. It holds the enrolled agents (rebuilt from their specs)
// and runs the open loop (fleet heartbeats) or the closed loop (baseline) when asked over IPC,
// so nothing else the bench does (setup, the probe, scraping /metrics) shares its event loop,
// and its own CPU and event-loop delay are measured apart (generator.ts is the other side).
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Pool } from 'undici';
import { runClosedLoop } from './closed-loop';
import { GENERATOR_NICE_ENV, type GeneratorReply, type GeneratorRequest, type LoopFigures } from './generator-protocol';
import { createPool } from './http';
import { runOpenLoop } from './open-loop';
import { SimulatedAgent } from './simulated-agent';

/**
 * The generator stands for agents on hosts of their own, yet here it shares the cores with the
 * API it measures: all its threads (the main one and V8's, whose garbage collection runs on them)
 * take a low priority (`--generator-nice`, default 19), so a response it wakes for, or its
 * collector, does not preempt the API's event loop on the API's core. Its own lateness is still
 * measured (generator_loop_delay_*) and latencies are timed on its side, so any wait it has for a
 * core counts against the API. Linux sets a nice value per thread, hence each task of this
 * process (a thread started later inherits it).
 */
function yieldCores(nice: number): void {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    tasks = [String(process.pid)]; // not Linux: the process
  }
  for (const task of tasks) {
    try {
      setPriority(Number(task), nice);
    } catch {
      // a thread that ended meanwhile
    }
  }
}
yieldCores(Number(process.env[GENERATOR_NICE_ENV] ?? 0));

const agents: SimulatedAgent[] = [];
const pools = new Map<string, Pool>();

const poolFor = (origin: string, connections: number): Pool => {
  const key = `${origin} ${connections}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = createPool(origin, connections);
    pools.set(key, pool);
  }
  return pool;
};

/** CPU and event-loop delay of this process over the measured window (after the warm-up). */
async function measured<T>(warmupMs: number, run: () => Promise<T>): Promise<{ result: T; figures: LoopFigures }> {
  const monitor = monitorEventLoopDelay({ resolution: 5 });
  let cpuStart = process.cpuUsage();
  let startMs = performance.now();
  const begin = setTimeout(() => {
    monitor.enable();
    cpuStart = process.cpuUsage();
    startMs = performance.now();
  }, warmupMs);
  try {
    const result = await run();
    const cpu = process.cpuUsage(cpuStart);
    const seconds = (performance.now() - startMs) / 1000;
    monitor.disable();
    const hasSamples = monitor.count > 0;
    return {
      result,
      figures: {
        cores: seconds > 0 ? (cpu.user + cpu.system) / 1e6 / seconds : 0,
        loopDelayP99Ms: hasSamples ? monitor.percentile(99) / 1e6 : 0,
        loopDelayMaxMs: hasSamples ? monitor.max / 1e6 : 0,
      },
    };
  } finally {
    clearTimeout(begin);
  }
}

async function handle(request: GeneratorRequest): Promise<GeneratorReply> {
  switch (request.type) {
    case 'agents':
      for (const spec of request.specs) agents[spec.index] = SimulatedAgent.fromSpec(spec);
      return { id: request.id, type: 'ok' };
    case 'open': {
      const targets = request.origins.map((origin) => poolFor(origin, request.connectionsPerOrigin));
      const { result, figures } = await measured(request.warmupMs, () =>
        runOpenLoop(targets, agents.slice(0, request.nodes), {
          warmupMs: request.warmupMs,
          durationMs: request.durationMs,
          profile: request.profile,
          keepAliveSeconds: request.keepAliveSeconds,
          shard: request.shard,
        }),
      );
      return {
        id: request.id,
        type: 'open',
        result: {
          scheduled: result.scheduled,
          ok: result.ok,
          okWithWarmup: result.okWithWarmup,
          non2xx: result.non2xx,
          errors: result.errors,
          skipped: result.skipped,
          latenciesMs: result.latency.toArray(),
          schedulerLagsMs: result.schedulerLag.toArray(),
          statuses: result.statuses,
          replyIntervals: result.replyIntervals,
        },
        figures,
      };
    }
    case 'closed': {
      const agent = SimulatedAgent.fromSpec(request.spec);
      const pool = poolFor(request.origin, request.concurrency);
      const { result, figures } = await measured(request.warmupMs, () =>
        runClosedLoop(pool, () => ({ ...agent.nextHeartbeat(), path: '/' }), {
          concurrency: request.concurrency,
          warmupMs: request.warmupMs,
          durationMs: request.durationMs,
        }),
      );
      return {
        id: request.id,
        type: 'closed',
        result: { ok: result.ok, failed: result.failed, latenciesMs: result.latency.toArray() },
        figures,
      };
    }
  }
}

process.on('message', (request: GeneratorRequest) => {
  handle(request).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ id: request.id, type: 'error', message: (error as Error).message }),
  );
});

const stop = () => void Promise.all([...pools.values()].map((pool) => pool.close())).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);
process.send?.({ id: 0, type: 'ok' } satisfies GeneratorReply);
