import type { HeartbeatCounters, KindCounters } from '@iamroll/contracts';

/**
 * Where the heartbeat's connection counters come from: monotonic totals since the agent
 * started, per connection kind. A simulated node counts at its own pools; a real Kong node's
 * connections are opened by Kong's Lua code, so the agent watches them from the database
 * side (db-sampler.ts).
 */
export interface CountersSource {
  snapshot(): HeartbeatCounters;
  close?(): Promise<void>;
}

export const ZERO_COUNTERS: KindCounters = {
  attempts: 0,
  established: 0,
  authFailures: { invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0 },
};

/** For nodes the agent cannot observe (or before the first sample). */
export const noCounters: CountersSource = { snapshot: () => ({ rw: ZERO_COUNTERS, ro: null }) };
