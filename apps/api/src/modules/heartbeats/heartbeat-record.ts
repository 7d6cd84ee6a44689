import type { HeartbeatBody } from '@iamroll/contracts';
import { ZERO_KIND_COUNTERS, type CounterSnapshot } from '@iamroll/core/rates';

/** The counters of a heartbeat as FleetRates diffs them (and fleet-aggregates.ts passes them on). */
export function snapshotOf(body: HeartbeatBody): CounterSnapshot {
  return {
    bootId: body.bootId,
    seq: body.seq,
    sentAtMs: Date.parse(body.sentAt),
    ...(body.countersSince === undefined ? {} : { countersSinceMs: Date.parse(body.countersSince) }),
    rw: body.counters.rw,
    ro: body.counters.ro ?? ZERO_KIND_COUNTERS,
  };
}
