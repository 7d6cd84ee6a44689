import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import { REQUEST_TIMEOUT_MS, timedPost } from './http';
import { LatencyRecorder } from './latency';
import type { AgentActivity, SimulatedAgent } from './simulated-agent';

export interface OpenLoopOptions {
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Who sends in each second: `flat` every agent; `fleet` 10 % storming at 1 Hz (rotating), the rest at the keep-alive. */
  readonly profile: LoadProfile;
  /** Fleet profile: idle agents send once per this many seconds (default KEEP_ALIVE_MS). */
  readonly keepAliveSeconds?: number;
  /** With several generator processes: this one sends for the agents whose index % of === index. */
  readonly shard?: { readonly index: number; readonly of: number };
}

export type LoadProfile = 'fleet' | 'flat';

/** Fleet profile: the default keep-alive of idle nodes (the API's), the share storming and how long a storm lasts before it moves on. */
export const KEEP_ALIVE_MS = 10_000;
export const STORM_SHARE = 0.1;
export const STORM_ROTATE_S = 10;

/** Golden-ratio scatter: any block of consecutive agents spreads evenly over the second. */
const PHASE_STEP = (Math.sqrt(5) - 1) / 2;

/**
 * Where in each second agent i sends, as a fraction of the second: fixed per agent (its timer started
 * when it did) and scattered, so the storming block (consecutive indices) is spread over the whole
 * second as real agents' phases are, not packed into a tenth of it.
 */
export function phaseOf(index: number): number {
  return (index * PHASE_STEP) % 1;
}

/**
 * The agents sending in second `s`, in the order they send (by phase, see `phaseOf`), and whether each storms.
 * Fleet: a contiguous block of STORM_SHARE × N agents storms (every second, counters moving), moving on every
 * STORM_ROTATE_S; every other agent sends once per keep-alive (`keepAliveSeconds`, default KEEP_ALIVE_MS), a
 * tenth of them each second at 10 s, or when `isIdleDue` says (runOpenLoop: when the API's last reply asked).
 */
export function sendsInSecond(
  profile: LoadProfile,
  nodes: number,
  s: number,
  keepAliveSeconds = KEEP_ALIVE_MS / 1000,
  isIdleDue: (index: number, s: number) => boolean = (index) => index % keepAliveSeconds === s % keepAliveSeconds,
): { index: number; activity: AgentActivity }[] {
  if (profile === 'flat')
    return Array.from({ length: nodes }, (_, index) => ({ index, activity: 'flat' as const })).sort(
      (a, b) => phaseOf(a.index) - phaseOf(b.index),
    );
  const stormCount = Math.round(nodes * STORM_SHARE);
  const stormStart = (Math.floor(s / STORM_ROTATE_S) * stormCount) % nodes;
  const sends: { index: number; activity: AgentActivity }[] = [];
  for (let index = 0; index < nodes; index += 1) {
    const isStorming = (index - stormStart + nodes) % nodes < stormCount;
    if (isStorming) sends.push({ index, activity: 'storm' });
    else if (isIdleDue(index, s)) sends.push({ index, activity: 'idle' });
  }
  return sends.sort((a, b) => phaseOf(a.index) - phaseOf(b.index));
}

export interface OpenLoopResult {
  readonly nodes: number;
  /** Heartbeats due in the measured window. */
  readonly scheduled: number;
  readonly ok: number;
  /** 2xx answers over the whole run, warm-up included (CPU per heartbeat is measured over the whole run). */
  readonly okWithWarmup: number;
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
  /** Fleet: the replies' `intervalMs` in the window, with counts (what the API asked the agents for). */
  readonly replyIntervals: Readonly<Record<number, number>>;
  readonly durationMs: number;
}

/** The scheduler's one timer: every tick sends everything that has become due. */
const TICK_MS = 1;
const SECOND_MS = 1000;

/**
 * Open loop: second by second, the agents the profile names send, each at its own
 * fixed phase of the second (`phaseOf`). One timer walks the sends due, so
 * the generator costs the same with 1,000 agents as with 10,000 (no timer per
 * agent). Sends go out whatever the server's latency, so a slow server meets
 * its real offered load.
 */
export async function runOpenLoop(
  pools: readonly Pool[],
  agents: readonly SimulatedAgent[],
  options: OpenLoopOptions,
): Promise<OpenLoopResult> {
  const nodes = agents.length;
  const { shard } = options;
  const windowStartMs = options.warmupMs;
  const endMs = options.warmupMs + options.durationMs;
  const seconds = Math.ceil(endMs / SECOND_MS);
  const latency = new LatencyRecorder();
  const schedulerLag = new LatencyRecorder();
  const statuses: Record<number, number> = {};
  let ok = 0;
  let okWithWarmup = 0;
  let non2xx = 0;
  let errors = 0;
  let skipped = 0;
  let scheduled = 0;
  let inFlight = 0;

  // Fleet: each agent's next keep-alive heartbeat, in schedule seconds, as the API's last reply set it (the
  // real agent's rule: `SimulatedAgent.follow`); until it has one, once per `keepAliveSeconds` at its own slot.
  const keepAliveSeconds = options.keepAliveSeconds ?? KEEP_ALIVE_MS / 1000;
  const nextIdleSecond = Int32Array.from({ length: nodes }, (_, index) => index % keepAliveSeconds);
  const isIdleDue = (index: number, s: number) => (nextIdleSecond[index] ?? 0) <= s;
  const isFollowing = options.profile === 'fleet';
  const intervals = new Map<number, number>();

  const startMs = performance.now();
  const send = (
    pool: Pool,
    agent: SimulatedAgent,
    index: number,
    activity: AgentActivity,
    dueMs: number,
    nowMs: number,
  ) => {
    const isCounted = dueMs >= windowStartMs;
    if (isCounted) scheduled += 1;
    if (agent.isInFlight) {
      if (isCounted) skipped += 1;
      return;
    }
    if (isCounted) schedulerLag.record(nowMs - startMs - dueMs);
    agent.isInFlight = true;
    inFlight += 1;
    const sentSecond = Math.floor(dueMs / SECOND_MS);
    // Not due again before the reply says when (a reply lost: the interval announced so far).
    if (isFollowing)
      nextIdleSecond[index] = sentSecond + Math.max(1, Math.round(agent.announcedIntervalMs / SECOND_MS));
    void timedPost(pool, agent.nextHeartbeat(activity), isFollowing).then(({ statusCode, latencyMs, intervalMs }) => {
      agent.isInFlight = false;
      inFlight -= 1;
      if (isFollowing && intervalMs !== undefined) {
        nextIdleSecond[index] = sentSecond + Math.max(1, Math.round(agent.follow(intervalMs) / SECOND_MS));
        if (dueMs >= windowStartMs) intervals.set(intervalMs, (intervals.get(intervalMs) ?? 0) + 1);
      }
      if (statusCode >= 200 && statusCode < 300) okWithWarmup += 1;
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
    let second = 0;
    const sendsIn = (s: number) => sendsInSecond(options.profile, nodes, s, keepAliveSeconds, isIdleDue);
    let due = sendsIn(second);
    let next = 0;
    const tick = () => {
      const nowMs = performance.now();
      const elapsedMs = nowMs - startMs;
      while (second < seconds) {
        const item = due[next];
        if (item === undefined) {
          second += 1;
          next = 0;
          if (second < seconds) due = sendsIn(second);
          continue;
        }
        const dueMs = second * SECOND_MS + phaseOf(item.index) * SECOND_MS;
        if (dueMs > elapsedMs) break;
        if (shard && item.index % shard.of !== shard.index) {
          next += 1;
          continue;
        }
        // K API processes: agent i talks to process i mod K (as a load balancer spreads them).
        send(
          pools[item.index % pools.length] as Pool,
          agents[item.index] as SimulatedAgent,
          item.index,
          item.activity,
          dueMs,
          nowMs,
        );
        next += 1;
      }
      if (second >= seconds) resolve();
      else setTimeout(tick, TICK_MS);
    };
    tick();
  });

  // Let the last heartbeats come back (each is bounded by the request timeout).
  const drainDeadline = performance.now() + REQUEST_TIMEOUT_MS + 1000;
  while (inFlight > 0 && performance.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 10));

  return {
    nodes,
    scheduled,
    ok,
    okWithWarmup,
    non2xx,
    errors,
    skipped,
    latency,
    schedulerLag,
    statuses,
    replyIntervals: Object.fromEntries(intervals),
    durationMs: options.durationMs,
  };
}
