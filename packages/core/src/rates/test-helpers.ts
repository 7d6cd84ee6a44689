import type { AuthFailureCounts, CounterSnapshot, KindCounters } from './counter-delta';

// Builders for tests: a snapshot from a few numbers.

export interface KindTotals {
  readonly attempts?: number;
  readonly established?: number;
  readonly failures?: Partial<AuthFailureCounts>;
}

export function kindCounters(totals: KindTotals = {}): KindCounters {
  return {
    attempts: totals.attempts ?? 0,
    established: totals.established ?? totals.attempts ?? 0,
    authFailures: { invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0, ...totals.failures },
  };
}

export function snapshot(
  seq: number,
  rw: KindTotals = {},
  options: { readonly bootId?: string; readonly sentAtMs?: number; readonly ro?: KindTotals } = {},
): CounterSnapshot {
  return {
    bootId: options.bootId ?? 'boot-a',
    seq,
    sentAtMs: options.sentAtMs ?? seq * 1_000,
    rw: kindCounters(rw),
    ro: kindCounters(options.ro),
  };
}
