import { availableParallelism } from 'node:os';
import type { FleetFigures } from './measure-fleet';

interface Summary extends FleetFigures {
  readonly baseline_rps: number;
  readonly ratio: number | null;
  readonly baseline_p99_ms: number | null;
  readonly max_nodes_p99_under_100ms?: number | null;
  readonly steps?: readonly FleetFigures[];
  readonly enroll_s: number;
  readonly databases_registered: number;
  readonly duration_s: number;
  readonly cpu_quota_cores: number | null;
  /** Fleet profile: the idle agents' keep-alive (`--keep-alive-s`), which the API's replies ask for too; null for flat. */
  readonly keep_alive_ms: number | null;
}

const fleetLine = (f: FleetFigures) =>
  `${String(f.nodes).padStart(6)} nodes  ${String(f.heartbeats_per_s).padStart(8)} heartbeats/s  p50 ${f.p50_ms ?? '–'} ms  p99 ${f.p99_ms ?? '–'} ms  max ${f.max_ms ?? '–'} ms  errors ${f.errors}  non-2xx ${f.non_2xx}  skipped ${f.skipped}`;

/** The human-readable report (without --json). */
export function formatSummary(s: Summary, p99LimitMs: number): string {
  const lines = [
    '',
    `Heartbeat ingest, ${s.duration_s} s measured per run${s.keep_alive_ms === null ? '' : `, idle keep-alive ${s.keep_alive_ms / 1000} s`}`,
    `  ${fleetLine(s)}`,
    `  load generator ${s.generator_cores} cores, API + PostgreSQL ${s.server_cores ?? '?'} cores (API process ${s.api_process_cores ?? '?'}, PostgreSQL ${s.database_cores ?? '?'}), whole machine ${s.machine_cores ?? '?'} of ${availableParallelism()}${s.cpu_quota_cores === null ? '' : ` (quota ${s.cpu_quota_cores})`}, scheduler lag p99 ${s.scheduler_lag_p99_ms ?? '–'} ms`,
    `  baseline (bare Fastify, same bodies, closed loop): ${s.baseline_rps} req/s, p99 ${s.baseline_p99_ms ?? '–'} ms`,
    `  ratio heartbeats/s ÷ baseline: ${s.ratio ?? '–'}`,
    `  setup: ${s.enroll_s} s to enroll, ${s.databases_registered} databases registered`,
  ];
  if (s.steps) {
    lines.push('', `Find max (p99 under ${p99LimitMs} ms, no errors):`, ...s.steps.map((f) => `  ${fleetLine(f)}`));
    lines.push(`  largest fleet held: ${s.max_nodes_p99_under_100ms ?? 'none'}`);
  }
  return `${lines.join('\n')}\n`;
}
