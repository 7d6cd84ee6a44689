import {
  CONNECTION_KINDS,
  FleetRates,
  secondOf,
  SECOND_MS,
  type SecondPoint,
  type SecondSeries,
} from '@iamroll/core/rates';

/** The in-memory per-second rates of this process: every heartbeat of the fleet, local or replicated. */
export interface RatesMemory {
  readonly fleet: FleetRates;
  /** Seconds before this are not held (the process started then): older data comes from rate_samples. */
  readonly startedAtMs: number;
}

export function createRatesMemory(nowMs: number): RatesMemory {
  return { fleet: new FleetRates(), startedAtMs: nowMs };
}

/** A node's new connections per second, read-write and read-only together, for [fromMs, toMs). */
export function nodeSecondPoints(fleet: FleetRates, nodeId: string, fromMs: number, toMs: number): SecondPoint[] {
  return summedSecondPoints(
    CONNECTION_KINDS.map((kind) => fleet.nodeSeries(nodeId, kind)).filter((s) => s !== undefined),
    fromMs,
    toMs,
  );
}

/** Per-second sums of several series over [fromMs, toMs) (zeros for none). */
export function summedSecondPoints(series: readonly SecondSeries[], fromMs: number, toMs: number): SecondPoint[] {
  const out: SecondPoint[] = [];
  for (let second = secondOf(fromMs), end = secondOf(toMs); second < end; second++) {
    let count = 0;
    for (const s of series) count += s.countAt(second);
    out.push({ timeMs: second * SECOND_MS, count });
  }
  return out;
}
