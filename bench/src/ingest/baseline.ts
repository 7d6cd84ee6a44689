import type { IngestArgs } from './args';
import { startBaselineProcess } from './baseline-process';
import { startCpuSpan } from './cpu';
import { benchDatabases } from './fleet';
import type { LoadGenerators } from './generator';
import { round, roundOrNull } from './latency';
import { SimulatedAgent, type DatabaseTarget } from './simulated-agent';

export interface BaselineFigures {
  /** 2xx answers per second from a bare Fastify at max throughput (closed loop). */
  readonly baseline_rps: number;
  readonly baseline_p99_ms: number | null;
  /** Cores the load generator used meanwhile: near 1 means the generator, not the server, set the pace. */
  readonly baseline_generator_cores: number;
  readonly baseline_server_cores: number | null;
  /** The whole machine meanwhile (kernel included): near the core count means the machine, not Fastify, set the pace. */
  readonly baseline_machine_cores: number | null;
}

const BASELINE_WARMUP_MS = 2000;

/**
 * The machine's floor for "one small JSON POST answered": the same load
 * generator, the same heartbeat bodies and headers, against a Fastify that
 * does nothing with them. Runs before the API starts, so nothing else is busy.
 */
export async function measureBaseline(args: IngestArgs, generators: LoadGenerators): Promise<BaselineFigures> {
  const server = await startBaselineProcess();
  try {
    const agent = new SimulatedAgent(0, benchDatabases(1)[0] as DatabaseTarget);
    agent.enrolled({ nodeId: '00000000-0000-4000-8000-000000000000', credential: 'iamagent_baseline' });
    const endCpuSpan = await startCpuSpan(server.pid);
    const result = await generators.runClosed({
      origin: server.origin,
      concurrency: args.baselineConcurrency,
      warmupMs: BASELINE_WARMUP_MS,
      durationMs: args.baselineSeconds * 1000,
      spec: agent.spec(),
    });
    const cpu = await endCpuSpan();
    if (result.ok === 0) throw new Error('the baseline server answered no request');
    return {
      baseline_rps: round(result.requestsPerSecond, 1),
      baseline_p99_ms: roundOrNull(result.latency.quantile(0.99)),
      baseline_generator_cores: round(result.generator.cores),
      baseline_server_cores: roundOrNull(cpu.serverCores),
      baseline_machine_cores: roundOrNull(cpu.machineCores),
    };
  } finally {
    await server.close();
  }
}
