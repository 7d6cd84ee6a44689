import { parseStormArgs, type StormArgs } from './storm/args';
import { runStorm, type StormOutcome, type StormPeer } from './storm/harness';
import { startRemoteSim, type RemoteSim } from './storm/remote-sim';
import { awsWrapperPeer, iamrollPeer, NAIVE_CALLER_RETRY_MS, pgPoolPeer, type FleetShape } from './storm/peers';

// Reconnect storm: every Kong node of a fleet restarts at once and each nginx
// worker needs its connections, all new IAM authentications against one
// instance whose budget (~200/s) the simulator enforces. Measures how long the
// fleet takes to get all of them (refill) and how many logins RDS throttled.

interface PeerFigures {
  readonly refill_s: number | null;
  /** Seconds until half / 99 % of the connections were up. */
  readonly p50_up_s?: number | null;
  readonly p99_up_s?: number | null;
  readonly throttled: number | null;
  readonly failed: number | null;
  readonly client_failures?: number;
  readonly caller_retry_ms?: number | null;
  readonly skipped?: string;
}

const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The simulator's budget holds one second of logins: let it fill so every peer meets the same instance. */
async function letBudgetRefill(): Promise<void> {
  await sleep(1500);
}

function quantile(sorted: readonly number[], q: number, total: number): number | null {
  const value = sorted[Math.ceil(q * total) - 1];
  return value === undefined ? null : round(value);
}

async function measure(
  sim: RemoteSim,
  peer: StormPeer,
  slots: readonly number[],
  args: StormArgs,
  onOutcome: (outcome: StormOutcome) => void = () => undefined,
): Promise<PeerFigures> {
  if (peer.skipReason) return { refill_s: null, throttled: null, failed: null, skipped: peer.skipReason };
  try {
    // One connection first: proves the peer works here and warms its code paths.
    try {
      await (await peer.connect(0)).close();
    } catch (error) {
      return {
        refill_s: null,
        throttled: null,
        failed: null,
        skipped: `cannot connect to the simulator: ${(error as Error).message}`,
      };
    }
    await letBudgetRefill();
    const throttledBefore = await sim.throttled();
    const outcome = await runStorm(peer, slots, args.deadlineSeconds);
    onOutcome(outcome);
    return {
      refill_s: outcome.refillSeconds === null ? null : round(outcome.refillSeconds),
      p50_up_s: quantile(outcome.upSeconds, 0.5, slots.length),
      p99_up_s: quantile(outcome.upSeconds, 0.99, slots.length),
      throttled: (await sim.throttled()) - throttledBefore,
      failed: outcome.failed,
      client_failures: outcome.clientFailures,
      caller_retry_ms: peer.callerRetryDelayMs ?? null,
    };
  } finally {
    await peer.close();
  }
}

export async function storm(argv: readonly string[]): Promise<void> {
  const args = parseStormArgs(argv);
  const workers = Math.ceil(args.connections / args.perWorker);
  const fleet: FleetShape = {
    workers,
    perWorker: args.perWorker,
    budgetPerSecond: args.budgetPerSecond,
    deadlineSeconds: args.deadlineSeconds,
  };
  // Slot i belongs to worker ⌊i / perWorker⌋: each worker pool needs perWorker connections.
  const slots = Array.from({ length: args.connections }, (_, i) => Math.floor(i / args.perWorker));
  const wanted = (name: string) => args.peers === undefined || args.peers.includes(name);

  const sim = await startRemoteSim(args.budgetPerSecond);
  const peers: Record<string, PeerFigures> = {};
  const ownPeer = iamrollPeer(sim, fleet);
  let own: PeerFigures;
  let lastGrantSeconds: number | null = null;
  try {
    own = await measure(sim, ownPeer, slots, args, (outcome) => {
      lastGrantSeconds = round((ownPeer.lastAttemptMs() - outcome.startMs) / 1000);
    });
    if (wanted('pg_pool_token')) peers.pg_pool_token = await measure(sim, pgPoolPeer(sim, fleet), slots, args);
    if (wanted('aws_advanced_nodejs_wrapper'))
      peers.aws_advanced_nodejs_wrapper = await measure(sim, await awsWrapperPeer(sim), slots, args);
  } finally {
    await sim.close();
  }

  const idealSeconds = args.connections / args.budgetPerSecond;
  const result = {
    connections: args.connections,
    budget_per_s: args.budgetPerSecond,
    ideal_s: round(idealSeconds),
    refill_s: own.refill_s,
    ratio: own.refill_s === null ? null : round(own.refill_s / idealSeconds),
    throttled: own.throttled,
    failed: own.failed,
    p50_up_s: own.p50_up_s,
    p99_up_s: own.p99_up_s,
    /** When the gate let the last connection start: the rest of refill_s is connection latency. */
    gate_last_grant_s: lastGrantSeconds,
    fleet: {
      worker_pools: workers,
      connections_per_worker: args.perWorker,
      gate: {
        rate_per_s: ownPeer.gate.ratePerSecond,
        burst: ownPeer.gate.burst,
        max_per_1s: ownPeer.gate.maxPerSecond,
      },
      naive_caller_retry_ms: NAIVE_CALLER_RETRY_MS,
    },
    peers,
  };
  process.stdout.write(args.isJson ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
}
