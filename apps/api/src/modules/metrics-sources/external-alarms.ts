import type { PrismaClient } from '../../db/prisma-client';
import { isUniqueViolation } from '../../db/prisma-client';
import type { EventBus } from '../../plugins/event-bus';
import { toAlarmView } from '../alarms/alarm-view';
import type { AlarmsRepository } from '../alarms/alarms-repository';
import type { AuditRepository } from '../audit/audit-repository';
import { SYSTEM_ACTOR } from '../auth/principal';

/** A CloudWatch alarm in ALARM, shown with the product's own (key `cloudwatch-alarm:<AlarmName>`). */
export const CLOUDWATCH_ALARM_KIND = 'cloudwatch-alarm';
/** The agents and the database's own metrics disagree (key `metrics-divergence:<source>:<databaseId>`). */
export const DIVERGENCE_ALARM_KIND = 'metrics-divergence';

export interface DesiredExternalAlarm {
  readonly key: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly subjectType: 'database';
  readonly subjectId: string;
  readonly message: string;
  readonly value: number | null;
  readonly data?: Record<string, unknown>;
}

export interface ExternalAlarmsDeps {
  readonly prisma: PrismaClient;
  readonly alarms: AlarmsRepository;
  readonly audit: AuditRepository;
  readonly events: EventBus;
}

/**
 * Level-triggered sync of the alarm rows of one kind this module owns (core's evaluator
 * leaves them alone): opens the desired ones not open, resolves the open ones no longer
 * desired (`scope` limits which open ones this pass may judge, e.g. one source), and
 * rewrites changed figures. Each open/resolve carries its audit entry and event in one
 * transaction, exactly as the product's own alarms do.
 */
export async function syncExternalAlarms(
  deps: ExternalAlarmsDeps,
  kind: string,
  desired: readonly DesiredExternalAlarm[],
  nowMs: number,
  scope: (key: string) => boolean = () => true,
): Promise<void> {
  const prefix = `${kind}:`;
  const unresolved = await deps.alarms.unresolved();
  const open = new Map([...unresolved].filter(([key]) => key.startsWith(prefix) && scope(key)));
  const wanted = new Set(desired.map((alarm) => alarm.key));
  for (const alarm of desired) {
    const current = open.get(alarm.key);
    if (current) {
      if (current.message !== alarm.message || current.value !== alarm.value)
        await deps.alarms.refresh([{ id: current.id, message: alarm.message, value: alarm.value }]);
      continue;
    }
    await openAlarm(deps, kind, alarm, nowMs);
  }
  for (const key of open.keys()) if (!wanted.has(key)) await resolveAlarm(deps, key, nowMs);
}

async function openAlarm(deps: ExternalAlarmsDeps, kind: string, alarm: DesiredExternalAlarm, nowMs: number) {
  try {
    await deps.prisma.$transaction(async (tx) => {
      const row = await deps.alarms.create(
        {
          key: alarm.key,
          kind,
          severity: alarm.severity,
          subjectType: alarm.subjectType,
          subjectId: alarm.subjectId,
          message: alarm.message,
          value: alarm.value,
          openedAt: new Date(nowMs),
        },
        tx,
      );
      await deps.audit.record(
        {
          actor: SYSTEM_ACTOR,
          action: 'alarm.open',
          subjectType: alarm.subjectType,
          subjectId: alarm.subjectId,
          data: {
            alarmId: row.id,
            key: alarm.key,
            kind,
            severity: alarm.severity,
            message: alarm.message,
            ...alarm.data,
          },
        },
        tx,
      );
      await deps.events.notifyIn(tx, 'alarm.opened', toAlarmView(row));
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // another leader opened it first
  }
}

async function resolveAlarm(deps: ExternalAlarmsDeps, key: string, nowMs: number) {
  await deps.prisma.$transaction(async (tx) => {
    const row = await deps.alarms.resolve(key, new Date(nowMs), tx);
    if (!row) return;
    await deps.audit.record(
      {
        actor: SYSTEM_ACTOR,
        action: 'alarm.resolve',
        subjectType: row.subjectType,
        subjectId: row.subjectId ?? undefined,
        data: { alarmId: row.id, key, kind: row.kind },
      },
      tx,
    );
    await deps.events.notifyIn(tx, 'alarm.resolved', toAlarmView(row));
  });
}
