// Child process: the load generator. It holds the enrolled agents (rebuilt from their specs)
// and runs the open loop (fleet heartbeats) or the closed loop (baseline) when asked over IPC,
// so nothing else the bench does (setup, the probe, scraping /metrics) shares its event loop,
// and its own CPU and event-loop delay are measured apart (generator.ts is the other side).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Pool } from 'undici';
import { runClosedLoop } from './closed-loop';
import type { GeneratorReply, GeneratorRequest, LoopFigures } from './generator-protocol';
import { createPool } from './http';
import { runOpenLoop } from './open-loop';
import { SimulatedAgent } from './simulated-agent';

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
