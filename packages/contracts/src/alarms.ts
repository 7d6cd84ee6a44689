import { Type, type Static } from 'typebox';
import { Limit, Offset, Reason, Timestamp, Uuid } from './common';

export const AlarmSeverity = Type.Enum(['info', 'warning', 'critical']);
export type AlarmSeverity = Static<typeof AlarmSeverity>;

/** open: nobody has acknowledged it yet; acknowledged: a human has seen it; resolved: the condition cleared. */
export const AlarmState = Type.Enum(['open', 'acknowledged', 'resolved']);
export type AlarmState = Static<typeof AlarmState>;

export const AlarmView = Type.Object({
  id: Uuid,
  /** `<kind>:<subject id>`: one unresolved alarm per key. */
  key: Type.String(),
  /** `db-rate-warning`, `db-rate-critical`, `node-auth-failures`, `node-stale`. */
  kind: Type.String(),
  severity: AlarmSeverity,
  state: AlarmState,
  subjectType: Type.String(),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  value: Type.Union([Type.Number(), Type.Null()]),
  openedAt: Timestamp,
  acknowledgedAt: Type.Union([Timestamp, Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  resolvedAt: Type.Union([Timestamp, Type.Null()]),
});
export type AlarmView = Static<typeof AlarmView>;

export const AlarmList = Type.Object({ items: Type.Array(AlarmView), total: Type.Integer({ minimum: 0 }) });
export type AlarmList = Static<typeof AlarmList>;

export const AlarmsQuery = Type.Object(
  {
    /** Default `all`. */
    state: Type.Optional(Type.Enum(['open', 'acknowledged', 'resolved', 'all'])),
    limit: Limit,
    offset: Offset,
  },
  { additionalProperties: false },
);
export type AlarmsQuery = Static<typeof AlarmsQuery>;

export const AcknowledgeAlarmBody = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export type AcknowledgeAlarmBody = Static<typeof AcknowledgeAlarmBody>;
