import type { AlarmView } from '@iamroll/contracts';
import type { AlarmRow } from './alarms-repository';

export function toAlarmView(row: AlarmRow): AlarmView {
  return {
    id: row.id,
    key: row.key,
    kind: row.kind,
    severity: row.severity,
    state: row.resolvedAt ? 'resolved' : row.acknowledgedAt ? 'acknowledged' : 'open',
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    message: row.message,
    value: row.value,
    openedAt: row.openedAt.toISOString(),
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: row.acknowledgedBy,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}
