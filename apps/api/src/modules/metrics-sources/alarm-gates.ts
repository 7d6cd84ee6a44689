import type pg from 'pg';
import { CLOUDWATCH_ALARM_KIND } from './external-alarms';

/**
 * What the rollout engine's gates read: a CloudWatch alarm in ALARM counts like one of
 * the product's own (AppConfig rolls back on it; iamroll pauses). Observations are
 * values, not exceptions, and come from the `cloudwatch-alarm` rows, so every API
 * process sees what the leader read.
 */
export interface AlarmGateObservation {
  readonly gate: 'cloudwatch-alarm';
  readonly databaseId: string;
  readonly alarmName: string;
  readonly severity: 'warning' | 'critical';
  /** Always true for now: any managed alarm in ALARM holds the rollout. */
  readonly isBlocking: boolean;
  readonly since: Date;
  readonly message: string;
}

export function createCloudWatchAlarmGates(pool: pg.Pool) {
  return {
    /** The CloudWatch alarms in ALARM, for these databases (all when omitted). */
    async observe(databaseIds?: readonly string[]): Promise<AlarmGateObservation[]> {
      const { rows } = await pool.query<{
        key: string;
        subjectId: string;
        severity: 'warning' | 'critical';
        openedAt: Date;
        message: string;
      }>(
        `SELECT key, subject_id AS "subjectId", severity, opened_at AS "openedAt", message
           FROM alarms
          WHERE kind = $1 AND resolved_at IS NULL AND ($2::uuid[] IS NULL OR subject_id::uuid = ANY($2::uuid[]))
          ORDER BY opened_at`,
        [CLOUDWATCH_ALARM_KIND, databaseIds ? [...databaseIds] : null],
      );
      return rows.map((row) => ({
        gate: 'cloudwatch-alarm' as const,
        databaseId: row.subjectId,
        alarmName: row.key.slice(CLOUDWATCH_ALARM_KIND.length + 1),
        severity: row.severity,
        isBlocking: true,
        since: row.openedAt,
        message: row.message,
      }));
    },
  };
}

export type CloudWatchAlarmGates = ReturnType<typeof createCloudWatchAlarmGates>;
