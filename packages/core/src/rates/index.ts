// @iamroll/core/rates: heartbeat counters → per-second rates → budget arithmetic and
// alarms. Pure or in-memory only; callers pass the time.
export {
  AUTH_FAILURE_CAUSES,
  CONNECTION_KINDS,
  computeCounterDelta,
  isClockAhead,
  MAX_CLOCK_AHEAD_MS,
  nonThrottleFailures,
  ZERO_KIND_COUNTERS,
  type AuthFailureCause,
  type AuthFailureCounts,
  type ConnectionKind,
  type CounterDelta,
  type CounterSnapshot,
  type DeltaStatus,
  type KindCounters,
} from './counter-delta';
export { HOUR_SECONDS, SECOND_MS, SecondSeries, secondOf, type RangePoint, type SecondPoint } from './second-series';
export { addSpread } from './spread';
export { FleetRates, type DatabaseSecondCounts, type FleetRatesOptions } from './fleet-rates';
export { OwnDatabaseCounts, type DatabaseIncrements, type DatabaseSecondIncrement } from './own-database-counts';
export {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  type DatabaseSeries,
  type KindRoute,
  type KindState,
  type NodeRoutes,
  type NodeState,
  type NonThrottleCause,
} from './fleet-state';
export {
  databaseFigures,
  DEFAULT_SETTLE_MS,
  DEFAULT_WINDOW_SECONDS,
  nodeFigures,
  type DatabaseFigures,
  type FigureOptions,
  type NodeFigures,
} from './fleet-figures';
export {
  bucketStartOf,
  completedBucketRange,
  ONE_MINUTE_TIER,
  retentionCutoffMs,
  rollUpRows,
  rollUpSeconds,
  TEN_SECOND_TIER,
  type BucketRow,
  type DownsampleTier,
} from './downsample';
export {
  DEFAULT_OBSERVED_BURST_MARGIN,
  DEFAULT_TARGET_UTILISATION,
  expectedBurst,
  headroomPerSecond,
  nodesSwitchableNow,
  projectedPeakPerSecond,
  RDS_IAM_BUDGET_PER_SECOND,
  secondsToEstablish,
  utilisation,
  type BurstInput,
  type ExpectedBurst,
  type HeadroomInput,
  type ProjectionInput,
  type SwitchableNow,
} from './budget';
export {
  alarmKey,
  DEFAULT_ALARM_OPTIONS,
  DEFAULT_WARNING_UTILISATION,
  diffAlarms,
  evaluateAlarms,
  type AlarmInputs,
  type AlarmKind,
  type AlarmOptions,
  type AlarmSeverity,
  type DatabaseAlarmInput,
  type DesiredAlarm,
  type NodeAlarmInput,
} from './alarms';
