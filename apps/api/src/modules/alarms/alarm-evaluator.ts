import {
  databaseFigures,
  DEFAULT_ALARM_OPTIONS,
  diffAlarms,
  evaluateAlarms,
  nodeFigures,
  type DesiredAlarm,
  type FleetRates,
  type NodeAlarmInput,
} from '@iamroll/core/rates';
import type pg from 'pg';
import { inTransaction, type SqlClient } from '../../db/sql';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import { SYSTEM_ACTOR } from '../auth/principal';
import type { DatabaseDirectory } from '../databases/database-directory';
import type { NodeRegistry } from '../nodes/node-registry';
import type { NodeStateRepository } from '../nodes/node-state-repository';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '../nodes/node-view';
import { toAlarmView } from './alarm-view';
import { holdDuringStartup, holdStart } from './startup-hold';
import type { AlarmRow, AlarmsRepository } from './alarms-repository';
import { forEachYielding } from '../../yield';

export interface AlarmEvaluatorDeps {
  readonly pool: pg.Pool;
  readonly alarms: AlarmsRepository;
  readonly audit: AuditRepository;
  readonly events: EventBus;
  readonly directory: DatabaseDirectory;
  readonly registry: NodeRegistry;
  readonly nodeStates: NodeStateRepository;
  readonly fleet: FleetRates;
  /** When this process's in-memory rates begin (see startup-hold.ts). */
  readonly startedAtMs: number;
  readonly nowMs: () => number;
}

const NO_FAILURES = { invalidToken: 0, notAuthorized: 0, other: 0 } as const;
const EVALUATED_KINDS = ['db-rate-warning', 'db-rate-critical', 'node-auth-failures', 'node-stale'];
const isEvaluatedAlarmKey = (key: string) => EVALUATED_KINDS.some((kind) => key.startsWith(`${kind}:`));
/** Alarms opened (or resolved) per transaction: a pass that moves thousands keeps each one short. */
const CHUNK = 500;
/** Open alarms' figures (message, value) are rewritten every this many passes, not every second. */
const REFRESH_EVERY_PASSES = 10;

/**
 * One pass of alarm evaluation (the leader runs it every second): figures from
 * FleetRates, which holds every process's heartbeats, → core's evaluateAlarms →
 * diff against the unresolved rows → open and resolve rows with their audit
 * entries and events, a chunk to a transaction (`apply`). Level-triggered: a pass recomputes
 * everything, so two leaders overlapping for an instant open nothing twice (the
 * partial unique index on key) and resolve nothing twice. Right after the process
 * starts, what it cannot judge yet is left as it is (startup-hold.ts).
 */
export function createAlarmEvaluator({
  pool,
  alarms,
  audit,
  events,
  directory,
  registry,
  nodeStates,
  fleet,
  startedAtMs,
  nowMs,
}: AlarmEvaluatorDeps) {
  let passes = 0;
  const heldFromMs = holdStart(startedAtMs);

  /** Also collects the nodes this process has not heard from since it started, and every node's interval. */
  async function nodeInputs(
    now: number,
    unheard: Map<string, number>,
    intervals: Map<string, number>,
  ): Promise<NodeAlarmInput[]> {
    const inputs: NodeAlarmInput[] = [];
    await forEachYielding([...registry.all()], (entry) => {
      const figures = nodeFigures(fleet, entry.id, now);
      // The persisted last_seen_at covers nodes this process has not heard since it started.
      const lastHeartbeatAtMs = Math.max(figures?.lastHeartbeatAtMs ?? 0, entry.lastSeenMs ?? 0) || undefined;
      const heartbeatIntervalMs =
        figures?.heartbeatIntervalMs ?? entry.persisted.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
      if ((lastHeartbeatAtMs ?? 0) < startedAtMs) unheard.set(entry.id, heartbeatIntervalMs);
      intervals.set(entry.id, heartbeatIntervalMs);
      inputs.push({
        nodeId: entry.id,
        name: entry.hostname,
        lastHeartbeatAtMs,
        heartbeatIntervalMs,
        heartbeatStreakStartMs: figures?.heartbeatStreakStartMs,
        authFailuresInWindow: figures?.authFailuresInWindow ?? NO_FAILURES,
        lastAuthFailureAtMs: figures?.lastAuthFailureAtMs,
      });
    });
    return inputs;
  }

  /**
   * Before calling a node silent, asks PostgreSQL: another process may have heard it while
   * this one missed the other's replicated entries (its listener reconnecting). Keeps the others.
   */
  async function confirmSilent(
    toOpen: DesiredAlarm[],
    now: number,
    intervals: ReadonlyMap<string, number>,
  ): Promise<DesiredAlarm[]> {
    const stale = toOpen.filter((alarm) => alarm.kind === 'node-stale');
    if (stale.length === 0) return toOpen;
    const lastSeen = await nodeStates.lastSeen(stale.map((alarm) => alarm.subject.id));
    return toOpen.filter((alarm) => {
      if (alarm.kind !== 'node-stale') return true;
      const seenMs = lastSeen.get(alarm.subject.id);
      const entry = registry.get(alarm.subject.id);
      if (seenMs !== undefined && entry) entry.lastSeenMs = Math.max(entry.lastSeenMs ?? 0, seenMs);
      const intervalMs = intervals.get(alarm.subject.id) ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
      return seenMs === undefined || now - seenMs > DEFAULT_ALARM_OPTIONS.staleAfterIntervals * intervalMs;
    });
  }

  /**
   * A node decommissioned on another process may still be in this one's memory for an
   * instant (the signal is on its way): never open an alarm about it, and drop it now.
   */
  async function withoutDecommissioned(toOpen: DesiredAlarm[]): Promise<DesiredAlarm[]> {
    const nodeIds = [
      ...new Set(toOpen.filter((alarm) => alarm.subject.type === 'node').map((alarm) => alarm.subject.id)),
    ];
    if (nodeIds.length === 0) return toOpen;
    const gone = await nodeStates.decommissionedAmong(nodeIds);
    if (gone.size === 0) return toOpen;
    for (const id of gone) registry.remove(id);
    return toOpen.filter((alarm) => !(alarm.subject.type === 'node' && gone.has(alarm.subject.id)));
  }

  /** Each row's audit entry (`alarm.open` / `alarm.resolve`) and event (`alarm.opened` / `alarm.resolved`), in the transaction. */
  async function recordAndNotify(
    sql: SqlClient,
    rows: readonly AlarmRow[],
    verb: 'open' | 'resolve',
    dataOf: (row: AlarmRow) => Record<string, unknown>,
  ): Promise<void> {
    await audit.recordMany(
      rows.map((row) => ({
        actor: SYSTEM_ACTOR,
        action: `alarm.${verb}`,
        subjectType: row.subjectType,
        subjectId: row.subjectId ?? undefined,
        data: dataOf(row),
      })),
      sql,
    );
    const type = verb === 'open' ? 'alarm.opened' : 'alarm.resolved';
    await events.notifyManyIn(
      sql,
      rows.map((row) => events.payload(type, toAlarmView(row))),
    );
  }

  /**
   * Opens and resolves what the pass decided, a chunk at a time, each chunk in one transaction:
   * its rows, their audit entries and their events (delivered on commit) in a few statements,
   * however many alarms a pass moves (a fleet gone silent at once). A key another leader opened
   * first is skipped, and one it resolved first is not resolved twice.
   */
  async function apply(toOpen: readonly DesiredAlarm[], toResolve: readonly string[], now: number): Promise<void> {
    const at = new Date(now);
    for (let from = 0; from < toOpen.length; from += CHUNK) {
      const chunk = toOpen.slice(from, from + CHUNK);
      const desired = new Map(chunk.map((alarm) => [alarm.key, alarm]));
      await inTransaction(pool, async (sql) => {
        const rows = await alarms.openMany(
          chunk.map((alarm) => ({
            key: alarm.key,
            kind: alarm.kind,
            severity: alarm.severity,
            subjectType: alarm.subject.type,
            subjectId: alarm.subject.id,
            message: alarm.message,
            value: alarm.value,
            openedAt: at,
          })),
          sql,
        );
        await recordAndNotify(sql, rows, 'open', (row) => ({
          alarmId: row.id,
          key: row.key,
          kind: row.kind,
          severity: row.severity,
          message: row.message,
          value: row.value,
          threshold: desired.get(row.key)?.threshold,
        }));
      });
    }
    for (let from = 0; from < toResolve.length; from += CHUNK) {
      await inTransaction(pool, async (sql) => {
        const rows = await alarms.resolveMany(toResolve.slice(from, from + CHUNK), at, sql);
        await recordAndNotify(sql, rows, 'resolve', (row) => ({ alarmId: row.id, key: row.key, kind: row.kind }));
      });
    }
  }

  return async function evaluate(): Promise<void> {
    const unresolved = await alarms.unresolved();
    // The clock is read after the await, right before the figures: a heartbeat folded in while the
    // rows load is then judged as of a time after it, never against windows that end before it.
    const now = nowMs();
    // Only the kinds evaluateAlarms decides: other modules (metrics sources) own theirs.
    const openAlarmKeys = new Set([...unresolved.keys()].filter(isEvaluatedAlarmKey));
    const databases = [...directory.all()].map((database) => ({
      databaseId: database.id,
      name: database.identifier,
      budgetPerSecond: database.budgetPerSecond,
      warningUtilisation: database.warningThreshold,
      ...databaseFigures(fleet, database.id, now),
    }));
    const unheardNodes = new Map<string, number>();
    const intervals = new Map<string, number>();
    const nodes = await nodeInputs(now, unheardNodes, intervals);
    const desired = evaluateAlarms({ databases, nodes, openAlarmKeys }, now);
    const diff = diffAlarms(desired, openAlarmKeys);
    const { toKeep } = diff;
    const held = holdDuringStartup(diff, { nowMs: now, startedAtMs: heldFromMs(now), unheardNodes });
    const toOpen = await withoutDecommissioned(await confirmSilent(held.toOpen, now, intervals));
    const { toResolve } = held;
    await apply(toOpen, toResolve, now);
    passes += 1;
    if (passes % REFRESH_EVERY_PASSES === 0) {
      const updates = toKeep.flatMap((alarm) => {
        const current = unresolved.get(alarm.key);
        return current && (current.message !== alarm.message || current.value !== alarm.value)
          ? [{ id: current.id, message: alarm.message, value: alarm.value }]
          : [];
      });
      await alarms.refresh(updates);
    }
  };
}
