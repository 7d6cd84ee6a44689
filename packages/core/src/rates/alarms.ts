import { formatCauses, formatDuration, formatPercent, formatRate, plural } from './alarm-messages';
import { utilisation } from './budget';
import { nonThrottleFailures } from './counter-delta';
import { DEFAULT_WINDOW_SECONDS } from './fleet-figures';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, type NonThrottleCause } from './fleet-state';

// evaluateAlarms: the alarm set that should be open now, from figures and the keys open
// now. Pure and level-triggered: the caller diffs the result against its open alarms.
//
// Resolution: RDS meters IAM logins per second, so one second over the budget is already
// throttling there. The critical alarm therefore opens on the busiest single second (no
// averaging), on the first evaluation that sees it; the warning keeps the 10 s average.
//
// Hysteresis (why an open alarm stays open a little below its threshold):
// - Rate alarms open when the 10 s average (or, for critical, one second) crosses the
//   threshold and resolve only when it falls below `resolveRatio` (0.9) × threshold: an open
//   critical stays while any second of the window is at or above 0.9 × budget. A 10 s average near 160/s moves by
//   several per second with every heartbeat; a 10% band absorbs that noise without
//   hiding a real drop.
// - Event alarms (throttling, auth failures) open on one event in the window and
//   resolve only after `clearAfterMs` (60 s) without one: throttling every 15 s must not
//   read as a stream of opened-and-resolved alarms.
// - Staleness opens after `staleAfterIntervals` (3) silent intervals and resolves once
//   the node has heartbeated without a break for `staleRecoveryIntervals` (3) intervals.
// db-rate-warning is not emitted while db-rate-critical is: one alarm per database
// condition, the worse one.

export type AlarmKind = 'db-rate-warning' | 'db-rate-critical' | 'node-auth-failures' | 'node-stale';
export type AlarmSeverity = 'warning' | 'critical';

export interface DatabaseAlarmInput {
  readonly databaseId: string;
  readonly name?: string;
  readonly budgetPerSecond: number;
  /** Share of the budget that warns (default 0.8). */
  readonly warningUtilisation?: number;
  /** IAM authentications per second, averaged over the window. */
  readonly ratePerSecond: number;
  /**
   * IAM authentications in the busiest single second of the window, the second in progress
   * included (counts only grow, so a partial second over the budget is over it).
   */
  readonly busiestSecondCount?: number | undefined;
  readonly throttledInWindow: number;
  readonly lastThrottledAtMs?: number | undefined;
}

export interface NodeAlarmInput {
  readonly nodeId: string;
  readonly name?: string;
  /** Undefined for a node that never sent one: not stale, just not started (no alarm). */
  readonly lastHeartbeatAtMs: number | undefined;
  readonly heartbeatIntervalMs?: number;
  readonly heartbeatStreakStartMs?: number | undefined;
  readonly authFailuresInWindow: Readonly<Record<NonThrottleCause, number>>;
  readonly lastAuthFailureAtMs?: number | undefined;
}

export interface AlarmOptions {
  readonly windowSeconds: number;
  readonly resolveRatio: number;
  readonly clearAfterMs: number;
  readonly staleAfterIntervals: number;
  readonly staleRecoveryIntervals: number;
  readonly defaultHeartbeatIntervalMs: number;
}

/** Share of the budget that warns, unless the database sets its own. */
export const DEFAULT_WARNING_UTILISATION = 0.8;

export const DEFAULT_ALARM_OPTIONS: AlarmOptions = Object.freeze({
  windowSeconds: DEFAULT_WINDOW_SECONDS,
  resolveRatio: 0.9,
  clearAfterMs: 60_000,
  staleAfterIntervals: 3,
  staleRecoveryIntervals: 3,
  defaultHeartbeatIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
});

export interface AlarmInputs {
  readonly databases: readonly DatabaseAlarmInput[];
  readonly nodes: readonly NodeAlarmInput[];
  /** Keys of the alarms open now (for hysteresis). */
  readonly openAlarmKeys: ReadonlySet<string>;
  readonly options?: Partial<AlarmOptions>;
}

export interface DesiredAlarm {
  /** `<kind>:<subject id>`: stable across evaluations. */
  readonly key: string;
  readonly kind: AlarmKind;
  readonly severity: AlarmSeverity;
  readonly subject: { readonly type: 'database' | 'node'; readonly id: string };
  readonly message: string;
  /** Rate alarms: per second. Auth failures: count in the window. Stale: silent seconds. */
  readonly value: number;
  /** The figure `value` crossed to open the alarm (same unit). */
  readonly threshold: number;
}

export function alarmKey(kind: AlarmKind, subjectId: string): string {
  return `${kind}:${subjectId}`;
}

export function evaluateAlarms(inputs: AlarmInputs, nowMs: number): DesiredAlarm[] {
  const options = { ...DEFAULT_ALARM_OPTIONS, ...inputs.options };
  const isOpen = (kind: AlarmKind, id: string): boolean => inputs.openAlarmKeys.has(alarmKey(kind, id));
  const alarms: DesiredAlarm[] = [];
  for (const database of inputs.databases) {
    const alarm = databaseAlarm(database, nowMs, options, isOpen);
    if (alarm !== undefined) alarms.push(alarm);
  }
  for (const node of inputs.nodes) {
    const failures = authFailureAlarm(node, nowMs, options, isOpen('node-auth-failures', node.nodeId));
    if (failures !== undefined) alarms.push(failures);
    const stale = staleAlarm(node, nowMs, options, isOpen('node-stale', node.nodeId));
    if (stale !== undefined) alarms.push(stale);
  }
  return alarms;
}

type IsOpen = (kind: AlarmKind, id: string) => boolean;

function databaseAlarm(
  input: DatabaseAlarmInput,
  nowMs: number,
  options: AlarmOptions,
  isOpen: IsOpen,
): DesiredAlarm | undefined {
  const { databaseId: id, ratePerSecond: rate, budgetPerSecond: budget } = input;
  const subject = { type: 'database', id } as const;
  const windowText = `${options.windowSeconds} s`;
  const figures = `${input.name ?? id} at ${formatRate(rate)}, ${formatPercent(utilisation(rate, budget))} of its ${formatRate(budget)} IAM budget (${windowText} average)`;
  const hasBudget = budget > 0;

  const isCriticalOpen = isOpen('db-rate-critical', id);
  const criticalBar = isCriticalOpen ? budget * options.resolveRatio : budget;
  const busiest = input.busiestSecondCount ?? 0;
  const isSecondOver = hasBudget && crosses(busiest, criticalBar, isCriticalOpen);
  const isOverBudget = hasBudget && (crosses(rate, criticalBar, isCriticalOpen) || isSecondOver);
  const hasThrottled = input.throttledInWindow > 0;
  const lastThrottledAgoMs =
    input.lastThrottledAtMs === undefined ? Number.POSITIVE_INFINITY : nowMs - input.lastThrottledAtMs;
  const isThrottleHeld = isCriticalOpen && lastThrottledAgoMs < options.clearAfterMs;
  if (isOverBudget || hasThrottled || isThrottleHeld) {
    // A second over the budget that the average hides is named as such, with the average beside it.
    let message =
      busiest > budget && busiest > rate
        ? `${input.name ?? id} at ${formatRate(busiest)} in its busiest second of the last ${windowText}, ${formatPercent(utilisation(busiest, budget))} of its ${formatRate(budget)} IAM budget (${windowText} average ${formatRate(rate)})`
        : figures;
    if (hasThrottled)
      message += `; ${plural(input.throttledInWindow, 'IAM authentication')} throttled in the last ${windowText}`;
    else if (isThrottleHeld) message += `; last throttled ${formatDuration(lastThrottledAgoMs)} ago`;
    if (isCriticalOpen && rate <= budget && busiest <= budget && !hasThrottled) {
      message += ` (clears below ${formatRate(criticalBar)} after ${formatDuration(options.clearAfterMs)} without throttling)`;
    }
    return {
      key: alarmKey('db-rate-critical', id),
      kind: 'db-rate-critical',
      severity: 'critical',
      subject,
      message,
      value: Math.max(rate, busiest),
      threshold: budget,
    };
  }

  const threshold = budget * (input.warningUtilisation ?? DEFAULT_WARNING_UTILISATION);
  const isWarningOpen = isOpen('db-rate-warning', id);
  const warningBar = isWarningOpen ? threshold * options.resolveRatio : threshold;
  if (!hasBudget || !crosses(rate, warningBar, isWarningOpen)) return undefined;
  const message = rate > threshold ? figures : `${figures} (clears below ${formatRate(warningBar)})`;
  return {
    key: alarmKey('db-rate-warning', id),
    kind: 'db-rate-warning',
    severity: 'warning',
    subject,
    message,
    value: rate,
    threshold,
  };
}

/** Opening needs the rate above the bar; staying open needs it at or above the lowered bar. */
function crosses(rate: number, bar: number, isOpen: boolean): boolean {
  return isOpen ? rate >= bar : rate > bar;
}

function authFailureAlarm(
  input: NodeAlarmInput,
  nowMs: number,
  options: AlarmOptions,
  isOpen: boolean,
): DesiredAlarm | undefined {
  const counts = input.authFailuresInWindow;
  const inWindow = nonThrottleFailures(counts);
  const last = input.lastAuthFailureAtMs;
  const isHeld = isOpen && last !== undefined && nowMs - last < options.clearAfterMs;
  if (inWindow === 0 && !isHeld) return undefined;
  const name = input.name ?? input.nodeId;
  const message =
    inWindow > 0
      ? `${name}: ${plural(inWindow, 'authentication failure')} in the last ${options.windowSeconds} s (${formatCauses(counts)})`
      : `${name}: last authentication failure ${formatDuration(nowMs - (last ?? nowMs))} ago (clears after ${formatDuration(options.clearAfterMs)} without one)`;
  return {
    key: alarmKey('node-auth-failures', input.nodeId),
    kind: 'node-auth-failures',
    severity: 'warning',
    subject: { type: 'node', id: input.nodeId },
    message,
    value: inWindow,
    threshold: 1,
  };
}

function staleAlarm(
  input: NodeAlarmInput,
  nowMs: number,
  options: AlarmOptions,
  isOpen: boolean,
): DesiredAlarm | undefined {
  const last = input.lastHeartbeatAtMs;
  if (last === undefined) return undefined;
  const intervalMs = input.heartbeatIntervalMs ?? options.defaultHeartbeatIntervalMs;
  const staleAfterMs = options.staleAfterIntervals * intervalMs;
  const silentMs = Math.max(0, nowMs - last);
  const isSilent = silentMs > staleAfterMs;
  const streakMs =
    input.heartbeatStreakStartMs === undefined ? Number.POSITIVE_INFINITY : nowMs - input.heartbeatStreakStartMs;
  const isRecovering = isOpen && !isSilent && streakMs < options.staleRecoveryIntervals * intervalMs;
  if (!isSilent && !isRecovering) return undefined;
  const name = input.name ?? input.nodeId;
  const every = `heartbeat every ${formatDuration(intervalMs)}`;
  const message = isSilent
    ? `${name} silent for ${formatDuration(silentMs)} (${every})`
    : `${name} heartbeating again for ${formatDuration(streakMs)} (${every}; clears after ${formatDuration(options.staleRecoveryIntervals * intervalMs)})`;
  return {
    key: alarmKey('node-stale', input.nodeId),
    kind: 'node-stale',
    severity: 'warning',
    subject: { type: 'node', id: input.nodeId },
    message,
    value: silentMs / 1000,
    threshold: staleAfterMs / 1000,
  };
}

/** Compares the desired set with the keys open now. */
export function diffAlarms(
  desired: readonly DesiredAlarm[],
  openAlarmKeys: ReadonlySet<string>,
): { readonly toOpen: DesiredAlarm[]; readonly toKeep: DesiredAlarm[]; readonly toResolve: string[] } {
  const desiredKeys = new Set(desired.map((alarm) => alarm.key));
  return {
    toOpen: desired.filter((alarm) => !openAlarmKeys.has(alarm.key)),
    toKeep: desired.filter((alarm) => openAlarmKeys.has(alarm.key)),
    toResolve: [...openAlarmKeys].filter((key) => !desiredKeys.has(key)),
  };
}
