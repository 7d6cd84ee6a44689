import type { AcknowledgeAlarmBody, AlarmList, AlarmsQuery, AlarmView } from '@iamroll/contracts';
import type { PrismaClient } from '../../db/prisma-client';
import { AppError } from '../../errors';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import type { Actor } from '../auth/principal';
import { toAlarmView } from './alarm-view';
import type { AlarmsRepository } from './alarms-repository';

export interface AlarmsServiceDeps {
  readonly prisma: PrismaClient;
  readonly alarms: AlarmsRepository;
  readonly audit: AuditRepository;
  readonly events: EventBus;
  readonly nowMs: () => number;
}

export function createAlarmsService({ prisma, alarms, audit, events, nowMs }: AlarmsServiceDeps) {
  return {
    async list(query: AlarmsQuery): Promise<AlarmList> {
      const { rows, total } = await alarms.list(query);
      return { items: rows.map(toAlarmView), total };
    },

    /** Says a human has seen it; the alarm stays until its condition clears. Acknowledging twice changes nothing. */
    async acknowledge(actor: Actor, id: string, body: AcknowledgeAlarmBody): Promise<AlarmView> {
      const view = await prisma.$transaction(async (tx) => {
        const current = await alarms.findById(id, tx);
        if (!current) throw AppError.notFound('The alarm');
        if (current.acknowledgedAt || current.resolvedAt) return null;
        const updated = await alarms.acknowledge(
          id,
          actor.actorName ?? actor.actorId ?? actor.actorType,
          new Date(nowMs()),
          tx,
        );
        await audit.record(
          {
            actor,
            action: 'alarm.acknowledge',
            subjectType: current.subjectType,
            subjectId: current.subjectId ?? undefined,
            reason: body.reason,
            data: { alarmId: id, key: current.key, kind: current.kind },
          },
          tx,
        );
        const alarmView = toAlarmView(updated);
        await events.notifyIn(tx, 'alarm.acknowledged', alarmView);
        return alarmView;
      });
      if (view) return view;
      const row = await alarms.findById(id);
      if (!row) throw AppError.notFound('The alarm');
      return toAlarmView(row);
    },
  };
}

export type AlarmsService = ReturnType<typeof createAlarmsService>;
