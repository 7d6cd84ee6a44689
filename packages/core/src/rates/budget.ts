// Budget arithmetic for pacing a rollout under RDS's IAM authentication budget: AWS
// recommends IAM database authentication below 200 new authentications per second per
// DB instance (smaller classes may be lower; the limit cannot be raised), and throttles
// above it. All rates are new authentications per second against one DB instance.

export const RDS_IAM_BUDGET_PER_SECOND = 200;
export const DEFAULT_TARGET_UTILISATION = 0.8;
/** Observed peaks are padded by this before they replace the pool-size bound. */
export const DEFAULT_OBSERVED_BURST_MARGIN = 1.5;

/** rate ÷ budget (1 = at budget). A zero budget is infinitely used by any traffic. */
export function utilisation(ratePerSecond: number, budgetPerSecond: number): number {
  if (budgetPerSecond > 0) return ratePerSecond / budgetPerSecond;
  return ratePerSecond > 0 ? Number.POSITIVE_INFINITY : 0;
}

export interface HeadroomInput {
  readonly budgetPerSecond: number;
  /** The share of the budget a rollout may use (default 0.8). */
  readonly targetUtilisation?: number;
  readonly currentRatePerSecond: number;
  /** Bursts of nodes switched but not yet settled. */
  readonly burstsInFlightPerSecond: number;
}

/** target × budget − current − in flight: what a new switch may add now (negative when over). */
export function headroomPerSecond(input: HeadroomInput): number {
  const target = input.targetUtilisation ?? DEFAULT_TARGET_UTILISATION;
  return target * input.budgetPerSecond - input.currentRatePerSecond - input.burstsInFlightPerSecond;
}

export interface BurstInput {
  /** Kong's nginx worker processes (auto = cores). */
  readonly workerCount: number;
  /** Kong's pg_pool_size (or pg_ro_pool_size): connections kept per worker. */
  readonly poolSize: number;
  /** The highest establishment rate seen from the node for this kind, if any. */
  readonly observedPeakEstablishedPerSecond?: number;
  readonly observedMargin?: number;
}

export interface ExpectedBurst {
  /** New connections expected in the first second after a switch (each one an authentication). */
  readonly connectionsPerSecond: number;
  readonly source: 'pool-size' | 'observed';
}

/**
 * A switch restarts or reloads Kong, and every worker then opens up to its pool size as
 * traffic asks, within about a second: workers × poolSize is the upper bound. Kong
 * opens pools lazily, so a node that never needed its whole pool bursts far less; once
 * its counters show a peak, that peak × margin (capped by the bound) is the estimate.
 * A peak above the bound means the configured figures are wrong: the evidence wins.
 */
export function expectedBurst(input: BurstInput): ExpectedBurst {
  const bound = Math.max(0, input.workerCount) * Math.max(0, input.poolSize);
  const observed = input.observedPeakEstablishedPerSecond ?? 0;
  if (!(observed > 0)) return { connectionsPerSecond: bound, source: 'pool-size' };
  if (observed >= bound) return { connectionsPerSecond: Math.ceil(observed), source: 'observed' };
  const padded = Math.ceil(observed * (input.observedMargin ?? DEFAULT_OBSERVED_BURST_MARGIN));
  return padded >= bound
    ? { connectionsPerSecond: bound, source: 'pool-size' }
    : { connectionsPerSecond: padded, source: 'observed' };
}

export interface ProjectionInput {
  readonly currentRatePerSecond: number;
  readonly burstsInFlightPerSecond: number;
  /** The expected burst of each node switched at once. */
  readonly switchingBurstsPerSecond: readonly number[];
}

/** The worst second if these nodes switch together: their bursts land on top of today's rate. */
export function projectedPeakPerSecond(input: ProjectionInput): number {
  let peak = input.currentRatePerSecond + input.burstsInFlightPerSecond;
  for (const burst of input.switchingBurstsPerSecond) peak += burst;
  return peak;
}

export interface SwitchableNow {
  /** How many nodes, from the front of the list, fit in the headroom together. */
  readonly count: number;
  /**
   * The next node's burst alone exceeds target × budget: it will never fit, however
   * quiet the database gets. The caller must decide (a human, a bigger budget, RDS Proxy).
   */
  readonly isNextOversized: boolean;
}

/** Nodes keep their order (the rollout chose it); the first that does not fit stops the count. */
export function nodesSwitchableNow(
  headroomPerSecondNow: number,
  burstsInOrderPerSecond: readonly number[],
  limits: { readonly maxNodes?: number; readonly targetBudgetPerSecond?: number } = {},
): SwitchableNow {
  const maxNodes = limits.maxNodes ?? Number.POSITIVE_INFINITY;
  let remaining = headroomPerSecondNow;
  let count = 0;
  for (const burst of burstsInOrderPerSecond) {
    if (count >= maxNodes || burst > remaining) break;
    remaining -= burst;
    count += 1;
  }
  const next = burstsInOrderPerSecond[count];
  const isNextOversized =
    count < maxNodes &&
    next !== undefined &&
    limits.targetBudgetPerSecond !== undefined &&
    next > limits.targetBudgetPerSecond;
  return { count, isNextOversized };
}

/** Seconds to open `connections` new connections at `ratePerSecond` (Infinity at 0). */
export function secondsToEstablish(connections: number, ratePerSecond: number): number {
  if (connections <= 0) return 0;
  return ratePerSecond > 0 ? connections / ratePerSecond : Number.POSITIVE_INFINITY;
}
