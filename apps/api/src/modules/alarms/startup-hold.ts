import { DEFAULT_ALARM_OPTIONS, DEFAULT_SETTLE_MS, type DesiredAlarm } from '@iamroll/core/rates';

// A process that has just started knows little: its rate windows are empty, it has not
// yet heard from nodes that are alive, and it does not know when a node last failed to
// authenticate. Judged at once, every controller restart would resolve the alarms open
// before it (and open a stale alarm for every node), then reopen them seconds later.
// So, until it has seen enough, an alarm it cannot judge is left as it is.

export interface StartupContext {
  readonly nowMs: number;
  /** When this process's in-memory rates begin. */
  readonly startedAtMs: number;
  /** Nodes not heard from since the start, with their heartbeat interval. */
  readonly unheardNodes: ReadonlyMap<string, number>;
}

/**
 * When the hold begins: the first look (alarm evaluation, the rollout reconciler's observation),
 * not the boot. A boot slower than three intervals (migrations and the fleet's load on a busy
 * machine) would otherwise call every node stale before its agent could reach this process.
 */
export function holdStart(startedAtMs: number): (nowMs: number) => number {
  let firstLookAtMs: number | undefined;
  return (nowMs) => Math.max(startedAtMs, (firstLookAtMs ??= nowMs));
}

/** How long after the start each kind of alarm can be judged. */
const RATE_WINDOW_MS = DEFAULT_ALARM_OPTIONS.windowSeconds * 1000 + DEFAULT_SETTLE_MS + 1000;
const AUTH_FAILURE_CLEAR_MS = DEFAULT_ALARM_OPTIONS.clearAfterMs;

function kindAndSubject(key: string): [string, string] {
  const colon = key.indexOf(':');
  return [key.slice(0, colon), key.slice(colon + 1)];
}

/** True while an alarm of this key could not be judged yet, either way. */
function isUnjudgeable(key: string, context: StartupContext): boolean {
  const sinceStartMs = context.nowMs - context.startedAtMs;
  const [kind, subjectId] = kindAndSubject(key);
  switch (kind) {
    case 'node-stale': {
      const intervalMs = context.unheardNodes.get(subjectId);
      return intervalMs !== undefined && sinceStartMs <= DEFAULT_ALARM_OPTIONS.staleAfterIntervals * intervalMs;
    }
    case 'db-rate-warning':
    case 'db-rate-critical':
      return sinceStartMs < RATE_WINDOW_MS;
    case 'node-auth-failures':
      return sinceStartMs < AUTH_FAILURE_CLEAR_MS;
    default:
      return false;
  }
}

/**
 * Drops from a diff what this process cannot judge yet: resolving rate and auth-failure
 * alarms (their windows are still filling), and opening or resolving stale alarms of nodes
 * it has not heard from since it started (their heartbeats may not have come round yet).
 * Opening a rate or auth-failure alarm is never held: what it saw did happen.
 */
export function holdDuringStartup<
  T extends { readonly toOpen: readonly DesiredAlarm[]; readonly toResolve: readonly string[] },
>(diff: T, context: StartupContext): { toOpen: DesiredAlarm[]; toResolve: string[] } {
  return {
    toOpen: diff.toOpen.filter((alarm) => alarm.kind !== 'node-stale' || !isUnjudgeable(alarm.key, context)),
    toResolve: diff.toResolve.filter((key) => !isUnjudgeable(key, context)),
  };
}
