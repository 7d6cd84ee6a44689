import { DescribeAlarmsCommand, PutMetricAlarmCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchClients } from './cloudwatch-clients';
import {
  ALARM_NAME_PREFIX,
  managedAlarms,
  parseManagedAlarmName,
  type ManagedAlarm,
} from './cloudwatch-alarm-definitions';
import { CLOUDWATCH_ALARM_KIND, type DesiredExternalAlarm } from './external-alarms';
import type { SourceDatabase } from './metrics-source';

export interface CloudWatchAlarmsDeps {
  readonly clients: CloudWatchClients;
  /** Opens/resolves the `cloudwatch-alarm` rows (syncExternalAlarms in the app). */
  readonly syncRows: (desired: readonly DesiredExternalAlarm[]) => Promise<void>;
  readonly namespace: string;
  readonly alarmActions: readonly string[];
  readonly databases: () => Promise<readonly SourceDatabase[]>;
}

/** DescribeAlarms pages at most 100 alarms. */
const DESCRIBE_PAGE = 100;

/** A CloudWatch alarm as the API shows it (`cloudwatch-alarm` rows carry the ALARM ones). */
export interface CloudWatchAlarmState {
  readonly alarmName: string;
  readonly databaseId: string;
  readonly state: string;
  readonly reason: string;
}

/**
 * One alarms pass: PutMetricAlarm for each managed alarm whose definition changed since
 * this process last put it (all of them on a new leader: PutMetricAlarm is an idempotent
 * create-or-update), then DescribeAlarms by prefix in each region, and `cloudwatch-alarm`
 * rows for those in ALARM (resolved when they leave it).
 */
export function createCloudWatchAlarmSync(deps: CloudWatchAlarmsDeps) {
  const putFingerprints = new Map<string, string>();
  let lastStates: CloudWatchAlarmState[] = [];

  async function putChanged(region: string, alarms: readonly ManagedAlarm[], signal: AbortSignal) {
    for (const alarm of alarms) {
      const fingerprint = JSON.stringify(alarm.input);
      if (putFingerprints.get(alarm.input.AlarmName) === fingerprint) continue;
      await deps.clients.forRegion(region).send(new PutMetricAlarmCommand(alarm.input), { abortSignal: signal });
      putFingerprints.set(alarm.input.AlarmName, fingerprint);
    }
  }

  async function describe(region: string, signal: AbortSignal): Promise<MetricAlarm[]> {
    const found: MetricAlarm[] = [];
    let nextToken: string | undefined;
    do {
      const response = await deps.clients.forRegion(region).send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: ALARM_NAME_PREFIX,
          AlarmTypes: ['MetricAlarm'],
          MaxRecords: DESCRIBE_PAGE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
        { abortSignal: signal },
      );
      found.push(...(response.MetricAlarms ?? []));
      nextToken = response.NextToken;
    } while (nextToken);
    return found;
  }

  return {
    /** What the last pass read, every state (OK, INSUFFICIENT_DATA, ALARM). */
    get states(): readonly CloudWatchAlarmState[] {
      return lastStates;
    },
    async sync(signal: AbortSignal): Promise<void> {
      const databases = await deps.databases();
      const byIdentifier = new Map(databases.map((database) => [database.identifier, database]));
      const regions = new Map<string, ManagedAlarm[]>();
      for (const database of databases) {
        const list = regions.get(database.region) ?? [];
        list.push(...managedAlarms(database, deps.namespace, deps.alarmActions));
        regions.set(database.region, list);
      }
      const states: CloudWatchAlarmState[] = [];
      for (const [region, alarms] of regions) {
        await putChanged(region, alarms, signal);
        for (const alarm of await describe(region, signal)) {
          const parsed = alarm.AlarmName ? parseManagedAlarmName(alarm.AlarmName) : null;
          const database = parsed ? byIdentifier.get(parsed.identifier) : undefined;
          if (!parsed || !database || database.region !== region) continue;
          states.push({
            alarmName: alarm.AlarmName!,
            databaseId: database.id,
            state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
            reason: alarm.StateReason ?? '',
          });
        }
      }
      lastStates = states;
      const desired: DesiredExternalAlarm[] = states
        .filter((state) => state.state === 'ALARM')
        .map((state) => ({
          key: `${CLOUDWATCH_ALARM_KIND}:${state.alarmName}`,
          severity: parseManagedAlarmName(state.alarmName)?.level ?? 'warning',
          subjectType: 'database',
          subjectId: state.databaseId,
          message: `CloudWatch alarm ${state.alarmName} is in ALARM: ${state.reason}`.slice(0, 1000),
          value: null,
          data: { alarmName: state.alarmName, state: state.state },
        }));
      await deps.syncRows(desired);
    },
  };
}
