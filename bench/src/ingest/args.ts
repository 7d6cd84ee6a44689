import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { KEEP_ALIVE_MS, type LoadProfile } from './open-loop';

export interface IngestArgs {
  readonly isJson: boolean;
  /** `fleet`: 90 % idle at the keep-alive, 10 % storming at 1 Hz (rotating); `flat`: every agent at 1 Hz. */
  readonly profile: LoadProfile;
  /** Simulated agents. */
  readonly nodes: number;
  /**
   * Fleet profile: the idle agents' keep-alive, also given to the API (IAMROLL_HEARTBEAT_KEEP_ALIVE_MS),
   * so its replies ask for what the agents do. Default 10 (the API's default).
   */
  readonly keepAliveSeconds: number;
  /** API processes on one PostgreSQL; agent i talks to process i mod K. */
  readonly processes: number;
  /** Bearer for /metrics (`--metrics-token`, else IAMROLL_METRICS_TOKEN). */
  readonly metricsToken: string | undefined;
  /** Measured seconds per run, after the warm-up. */
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Step the fleet up until p99 ≥ the limit or failures appear. */
  readonly isFindingMax: boolean;
  /** Fleet sizes added per find-max step. */
  readonly stepNodes: number;
  /** find-max stops here even if the API still holds (bounds the run's time). */
  readonly maxNodes: number;
  /** Load-generator processes (each sends for a share of the agents). */
  readonly generators: number;
  /** Nice value of every thread of the load generators (default 19: they yield the cores to the API). */
  readonly generatorNice: number;
  /** Connections the load generator keeps open to the API. */
  readonly connections: number;
  /** Concurrent callers against the bare Fastify baseline. */
  readonly baselineConcurrency: number;
  readonly baselineSeconds: number;
  /** IAMROLL_DB_POOL_SIZE for the API (default: the API's own). */
  readonly dbPoolSize: number | undefined;
  /** Write a V8 CPU profile of the API process into this directory (to see what limits it). */
  readonly apiCpuProfileDir: string | undefined;
  /** Extra `node` options for the API processes (`--api-node-option`, repeatable): V8 settings tried without an edit. */
  readonly apiNodeOptions: readonly string[];
  /** Run the whole bench on this many cores' worth of CPU time (a Linux cgroup quota: cpu-quota.ts), or undefined. */
  readonly cpuQuotaCores: number | undefined;
  /**
   * Confine each API process alone (not its PostgreSQL, not the load generator) to this many cores' worth
   * of CPU time once the fleet is enrolled: a slower API loop on a machine as it is (cpu-quota.ts), or undefined.
   */
  readonly apiCpuQuotaCores: number | undefined;
}

const USAGE =
  'usage: npm run bench -- ingest [--json] [--profile fleet|flat] [--nodes N] [--keep-alive-s S] [--processes K] [--metrics-token T] [--duration-s S] [--warmup-s S] [--find-max] [--step N] [--max-nodes N] [--connections N] [--generators K] [--generator-nice N] [--baseline-concurrency N] [--baseline-s S] [--db-pool-size N] [--api-cpu-prof DIR] [--cpu-quota CORES] [--api-cpu-quota CORES] [--api-node-option=FLAG]…';

/** A Linux nice value, 0 (normal) to 19 (lowest). */
function niceValue(value: string | undefined): number {
  if (value === undefined) return 19;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 19)
    throw new Error(`--generator-nice must be an integer from 0 to 19, got "${value}"\n${USAGE}`);
  return n;
}

/** `node` options as given, each one flag (`--name` or `--name=value`), so a typo fails here, not in the child. */
function nodeOptions(options: readonly string[]): string[] {
  for (const option of options)
    if (!/^--[a-z0-9][a-z0-9-]*(=\S+)?$/.test(option))
      throw new Error(`--api-node-option takes one node flag such as --single-threaded-gc, got "${option}"\n${USAGE}`);
  return [...options];
}

/** Cores' worth of CPU time, more than a tenth of one and at most the machine's. */
function cores(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.1 || n > availableParallelism())
    throw new Error(
      `--${name} must be a number of cores from 0.1 to ${availableParallelism()} (this machine's), got "${value}"\n${USAGE}`,
    );
  return n;
}

/** Whole seconds within what the API accepts (IAMROLL_HEARTBEAT_KEEP_ALIVE_MS: 1–60 s). */
function keepAlive(value: string | undefined): number {
  if (value === undefined) return KEEP_ALIVE_MS / 1000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 60)
    throw new Error(`--keep-alive-s must be a whole number of seconds from 1 to 60, got "${value}"\n${USAGE}`);
  return n;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${value}"\n${USAGE}`);
  return n;
}

function nonNegative(name: string, value: string | undefined, fallback: number): number {
  if (value === '0') return 0;
  return positive(name, value, fallback);
}

export function parseIngestArgs(argv: readonly string[]): IngestArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean', default: false },
      profile: { type: 'string' },
      nodes: { type: 'string' },
      'keep-alive-s': { type: 'string' },
      processes: { type: 'string' },
      'metrics-token': { type: 'string' },
      'duration-s': { type: 'string' },
      'warmup-s': { type: 'string' },
      'find-max': { type: 'boolean', default: false },
      step: { type: 'string' },
      'max-nodes': { type: 'string' },
      connections: { type: 'string' },
      generators: { type: 'string' },
      'generator-nice': { type: 'string' },
      'baseline-concurrency': { type: 'string' },
      'baseline-s': { type: 'string' },
      'db-pool-size': { type: 'string' },
      'api-cpu-prof': { type: 'string' },
      'cpu-quota': { type: 'string' },
      'api-cpu-quota': { type: 'string' },
      'api-node-option': { type: 'string', multiple: true },
    },
    strict: true,
  });
  const profile = values.profile ?? 'fleet';
  if (profile !== 'fleet' && profile !== 'flat')
    throw new Error(`--profile must be fleet or flat, got "${profile}"\n${USAGE}`);
  return {
    isJson: values.json,
    profile,
    nodes: positive('nodes', values.nodes, 2000),
    keepAliveSeconds: keepAlive(values['keep-alive-s']),
    processes: positive('processes', values.processes, 1),
    metricsToken: values['metrics-token'] ?? (process.env.IAMROLL_METRICS_TOKEN || undefined),
    durationSeconds: positive('duration-s', values['duration-s'], 30),
    warmupSeconds: nonNegative('warmup-s', values['warmup-s'], 5),
    isFindingMax: values['find-max'],
    stepNodes: positive('step', values.step, 1000),
    maxNodes: positive('max-nodes', values['max-nodes'], 20_000),
    connections: positive('connections', values.connections, 128),
    generators: positive('generators', values.generators, 1),
    generatorNice: niceValue(values['generator-nice']),
    baselineConcurrency: positive('baseline-concurrency', values['baseline-concurrency'], 64),
    baselineSeconds: positive('baseline-s', values['baseline-s'], 10),
    dbPoolSize: values['db-pool-size'] === undefined ? undefined : positive('db-pool-size', values['db-pool-size'], 10),
    apiCpuProfileDir: values['api-cpu-prof'],
    apiNodeOptions: nodeOptions(values['api-node-option'] ?? []),
    cpuQuotaCores: cores('cpu-quota', values['cpu-quota']),
    apiCpuQuotaCores: cores('api-cpu-quota', values['api-cpu-quota']),
  };
}
