// Successive agent counter snapshots → deltas. Agents send monotonic totals (never
// deltas) so a lost heartbeat loses no counts: the next one carries them. What this
// file has to survive is everything else a 1 Hz stream over HTTP does: restarts,
// retries (duplicates), reordering and gaps.

export const CONNECTION_KINDS = ['rw', 'ro'] as const;
/** Kong's read-write (pg_*) and read-only (pg_ro_*) connections: often two DB instances. */
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

export const AUTH_FAILURE_CAUSES = ['invalidToken', 'notAuthorized', 'throttled', 'other'] as const;
export type AuthFailureCause = (typeof AUTH_FAILURE_CAUSES)[number];
export type AuthFailureCounts = Readonly<Record<AuthFailureCause, number>>;

/** Monotonic totals for one connection kind, since the counters last started. */
export interface KindCounters {
  /** New connections attempted: each one is an authentication RDS counts against its budget. */
  readonly attempts: number;
  readonly established: number;
  readonly authFailures: AuthFailureCounts;
}

export interface CounterSnapshot {
  /** Changes whenever the agent process (and so its counters) starts again. */
  readonly bootId: string;
  /** Increases by one per heartbeat within a boot. */
  readonly seq: number;
  /** The agent's clock: good for durations between two snapshots of one boot, not for placement. */
  readonly sentAtMs: number;
  /**
   * The agent's clock: the counters still read the previous snapshot's totals then, so the
   * delta happened in [countersSinceMs, sentAtMs). Undefined: since the previous snapshot.
   */
  readonly countersSinceMs?: number | undefined;
  /** The controller's clock when it arrived (set by boundSentAt): what orders boots when clocks lie. */
  readonly receivedAtMs?: number;
  /** Its sentAt ran too far ahead and was clamped: the agent's clock cannot order its boots. */
  readonly isSentAtClamped?: boolean;
  readonly rw: KindCounters;
  readonly ro: KindCounters;
}

/**
 * - `baseline`: the first snapshot seen for the node; its totals span an unknown past,
 *   so the delta is zero (a controller restart must not read as a burst).
 * - `advanced`: the usual case; `missedHeartbeats` > 0 when seq jumped (a gap).
 * - `restarted`: new bootId, or a counter went down: the new totals are the delta.
 * - `duplicate`: same boot and seq (a retried POST): zero delta.
 * - `out-of-order`: an older seq, or an earlier boot arriving late: zero delta, ignored.
 */
export type DeltaStatus = 'baseline' | 'advanced' | 'restarted' | 'duplicate' | 'out-of-order';

export interface CounterDelta {
  readonly status: DeltaStatus;
  /** True when the caller should keep `current` as the snapshot to diff the next one against. */
  readonly isAccepted: boolean;
  /** Heartbeats of the same boot that never arrived between the two snapshots. */
  readonly missedHeartbeats: number;
  /** Agent-clock time between the two snapshots (0 when unknown or the clock went back). */
  readonly elapsedMs: number;
  readonly rw: KindCounters;
  readonly ro: KindCounters;
}

const ZERO_FAILURES: AuthFailureCounts = Object.freeze({ invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0 });
export const ZERO_KIND_COUNTERS: KindCounters = Object.freeze({
  attempts: 0,
  established: 0,
  authFailures: ZERO_FAILURES,
});

function ignored(status: DeltaStatus, isAccepted: boolean): CounterDelta {
  return { status, isAccepted, missedHeartbeats: 0, elapsedMs: 0, rw: ZERO_KIND_COUNTERS, ro: ZERO_KIND_COUNTERS };
}

/** Counters are whole and non-negative; anything else (NaN, -1) counts as 0. */
function count(value: number): number {
  return value > 0 && Number.isFinite(value) ? Math.floor(value) : 0;
}

function failuresWentDown(previous: AuthFailureCounts, current: AuthFailureCounts): boolean {
  return (
    count(current.invalidToken) < count(previous.invalidToken) ||
    count(current.notAuthorized) < count(previous.notAuthorized) ||
    count(current.throttled) < count(previous.throttled) ||
    count(current.other) < count(previous.other)
  );
}

function kindWentDown(previous: KindCounters, current: KindCounters): boolean {
  return (
    count(current.attempts) < count(previous.attempts) ||
    count(current.established) < count(previous.established) ||
    failuresWentDown(previous.authFailures, current.authFailures)
  );
}

function difference(previous: number, current: number): number {
  return Math.max(0, count(current) - count(previous));
}

function kindDelta(previous: KindCounters, current: KindCounters): KindCounters {
  const p = previous.authFailures;
  const c = current.authFailures;
  return {
    attempts: difference(previous.attempts, current.attempts),
    established: difference(previous.established, current.established),
    authFailures: {
      invalidToken: difference(p.invalidToken, c.invalidToken),
      notAuthorized: difference(p.notAuthorized, c.notAuthorized),
      throttled: difference(p.throttled, c.throttled),
      other: difference(p.other, c.other),
    },
  };
}

/** How far ahead of the controller an agent's clock may run before its sentAt is clamped. */
export const MAX_CLOCK_AHEAD_MS = 60_000;
/**
 * No heartbeat arrives later than this after a newer one (an agent's request times out well
 * before): a different boot received this long after the last accepted one is a new boot,
 * whatever its sentAt says.
 */
export const LATE_HEARTBEAT_LIMIT_MS = 30_000;

/**
 * The snapshot as the controller orders it: sentAt never later than the controller's clock
 * plus MAX_CLOCK_AHEAD_MS (a far-future sentAt must not freeze the node), and the receive
 * time recorded beside it.
 */
export function boundSentAt(snapshot: CounterSnapshot, receivedAtMs: number): CounterSnapshot {
  const latestMs = receivedAtMs + MAX_CLOCK_AHEAD_MS;
  if (Number.isFinite(snapshot.sentAtMs) && snapshot.sentAtMs <= latestMs) return { ...snapshot, receivedAtMs };
  // A clock that far ahead cannot place a burst either: spread it over the gap instead.
  return { ...snapshot, sentAtMs: latestMs, countersSinceMs: undefined, receivedAtMs, isSentAtClamped: true };
}

/** True when the agent's clock runs further ahead of the controller's than it may. */
export function isClockAhead(sentAtMs: number, receivedAtMs: number): boolean {
  return sentAtMs - receivedAtMs > MAX_CLOCK_AHEAD_MS;
}

function isNewBoot(previous: CounterSnapshot, current: CounterSnapshot): boolean {
  if (current.sentAtMs > previous.sentAtMs || previous.isSentAtClamped === true) return true;
  // The agent's clock says older; the controller's clock says it cannot be a late one.
  const { receivedAtMs: before } = previous;
  const { receivedAtMs: now } = current;
  return before !== undefined && now !== undefined && now - before > LATE_HEARTBEAT_LIMIT_MS;
}

function elapsedBetween(previous: CounterSnapshot, current: CounterSnapshot): number {
  const since = current.countersSinceMs;
  const fromMs =
    since !== undefined && Number.isFinite(since) && since > previous.sentAtMs && since < current.sentAtMs
      ? since
      : previous.sentAtMs;
  const elapsedMs = current.sentAtMs - fromMs;
  return elapsedMs > 0 && Number.isFinite(elapsedMs) ? elapsedMs : 0;
}

/**
 * The counts that happened between `previous` (the last accepted snapshot of the node,
 * or undefined) and `current`. Never negative.
 *
 * A counter that went down within one boot means the counted thing restarted (Kong
 * restarted under an agent that reads its counters): the whole snapshot is then taken
 * as counts since that restart, not just the counters that went down, because a
 * counter that grew past its old total after a reset would otherwise be under-counted.
 */
export function computeCounterDelta(previous: CounterSnapshot | undefined, current: CounterSnapshot): CounterDelta {
  if (previous === undefined) return ignored('baseline', true);

  if (current.bootId !== previous.bootId) {
    // Without a boot order, the clocks tell a new boot from a late one (isNewBoot).
    if (!isNewBoot(previous, current)) return ignored('out-of-order', false);
    return restarted(previous, current);
  }
  if (current.seq === previous.seq) return ignored('duplicate', false);
  if (current.seq < previous.seq) return ignored('out-of-order', false);

  if (kindWentDown(previous.rw, current.rw) || kindWentDown(previous.ro, current.ro)) {
    return restarted(previous, current);
  }
  return {
    status: 'advanced',
    isAccepted: true,
    missedHeartbeats: Math.max(0, current.seq - previous.seq - 1),
    elapsedMs: elapsedBetween(previous, current),
    rw: kindDelta(previous.rw, current.rw),
    ro: kindDelta(previous.ro, current.ro),
  };
}

function restarted(previous: CounterSnapshot, current: CounterSnapshot): CounterDelta {
  return {
    status: 'restarted',
    isAccepted: true,
    missedHeartbeats: 0,
    elapsedMs: elapsedBetween(previous, current),
    rw: kindDelta(ZERO_KIND_COUNTERS, current.rw),
    ro: kindDelta(ZERO_KIND_COUNTERS, current.ro),
  };
}

/** Authentication failures the operator must act on: every cause but throttling. */
export function nonThrottleFailures(
  failures: Readonly<Record<Exclude<AuthFailureCause, 'throttled'>, number>>,
): number {
  return failures.invalidToken + failures.notAuthorized + failures.other;
}
