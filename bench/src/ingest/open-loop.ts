import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import { REQUEST_TIMEOUT_MS, timedPost } from './http';
import { LatencyRecorder } from './latency';
import type { SimulatedAgent } from './simulated-agent';

export interface OpenLoopOptions {
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Heartbeat period per agent (the contract's intervalMs). */
  readonly intervalMs: number;
}

export interface OpenLoopResult {
  readonly nodes: number;
  /** Heartbeats due in the measured window (nodes × duration / interval). */
  readonly scheduled: number;
  readonly ok: number;
  readonly non2xx: number;
  /** No response: connection errors and timeouts. */
  readonly errors: number;
  /** Due while the agent's previous heartbeat was still unanswered: not sent (an agent sends one at a time). */
  readonly skipped: number;
  /** Latency of every answered heartbeat sent in the window (2xx or not). */
  readonly latency: LatencyRecorder;
  /** How late the scheduler sent (actual − due): shows whether the load generator kept up. */
  readonly schedulerLag: LatencyRecorder;
  /** Status codes other than 2xx, with counts. */
  readonly statuses: Readonly<Record<number, number>>;
  readonly durationMs: number;
}

/** The scheduler's one timer: every tick sends everything that has become due. */
const TICK_MS = 1;

/**
 * Open loop at a fixed rate: every agent heartbeats once per interval, the
 * fleet spread evenly across it (agent i at offset i/N of the interval). One
 * timer walks the single sequence of sends k = 0, 1, 2, … — send k is agent
 * k mod N, due at k × interval / N — so the generator costs the same with
 * 1,000 agents as with 10,000 (no timer per agent). Sends go out whatever
 * the server's latency, so a slow server meets its real offered load.
 */
export async function runOpenLoop(
  pool: Pool,
  agents: readonly SimulatedAgent[],
  options: OpenLoopOptions,
): Promise<OpenLoopResult> {
  const nodes = agents.length;
  const spacingMs = options.intervalMs / nodes;
  const windowStartMs = options.warmupMs;
  const endMs = options.warmupMs + options.durationMs;
  const totalSends = Math.round((endMs / options.intervalMs) * nodes);
  const latency = new LatencyRecorder();
  const schedulerLag = new LatencyRecorder();
  const statuses: Record<number, number> = {};
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let skipped = 0;
  let inFlight = 0;
  let next = 0;

  const startMs = performance.now();
  const send = (k: number, dueMs: number, nowMs: number) => {
    const agent = agents[k % nodes] as SimulatedAgent;
    const isCounted = dueMs >= windowStartMs;
    if (agent.isInFlight) {
      if (isCounted) skipped += 1;
      return;
    }
    if (isCounted) schedulerLag.record(nowMs - startMs - dueMs);
    agent.isInFlight = true;
    inFlight += 1;
    void timedPost(pool, agent.nextHeartbeat()).then(({ statusCode, latencyMs }) => {
      agent.isInFlight = false;
      inFlight -= 1;
      if (!isCounted) return;
      if (statusCode === 0) {
        errors += 1;
        return;
      }
      latency.record(latencyMs);
      if (statusCode >= 200 && statusCode < 300) ok += 1;
      else {
        non2xx += 1;
        statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      }
    });
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const nowMs = performance.now();
      const elapsedMs = nowMs - startMs;
      while (next < totalSends && next * spacingMs <= elapsedMs) {
        send(next, next * spacingMs, nowMs);
        next += 1;
      }
      if (next >= totalSends) resolve();
      else setTimeout(tick, TICK_MS);
    };
    tick();
  });

  // Let the last heartbeats come back (each is bounded by the request timeout).
  const drainDeadline = performance.now() + REQUEST_TIMEOUT_MS + 1000;
  while (inFlight > 0 && performance.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 10));

  return {
    nodes,
    scheduled: Math.round((options.durationMs / options.intervalMs) * nodes),
    ok,
    non2xx,
    errors,
    skipped,
    latency,
    schedulerLag,
    statuses,
    durationMs: options.durationMs,
  };
}
