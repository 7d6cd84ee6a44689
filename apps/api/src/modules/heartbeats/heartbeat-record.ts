import type { HeartbeatBody, KindCounters as KindCountersBody } from '@iamroll/contracts';
import { ZERO_KIND_COUNTERS, type CounterSnapshot, type KindCounters, type NodeRoutes } from '@iamroll/core/rates';

/**
 * One heartbeat as API processes forward it to each other (a JSON array, ~250 bytes):
 * [nodeId, receivedAtMs, bootId, seq, sentAtMs, intervalMs, rwDatabaseId, rwIsIam,
 *  roDatabaseId, roIsIam, rwCounters, roCounters, countersSinceMs?]; counters as
 * [attempts, established, invalidToken, notAuthorized, throttled, other].
 */
export type HeartbeatRecord = [
  nodeId: string,
  receivedAtMs: number,
  bootId: string,
  seq: number,
  sentAtMs: number,
  intervalMs: number,
  rwDatabaseId: string | null,
  rwIsIam: 0 | 1,
  roDatabaseId: string | null,
  roIsIam: 0 | 1,
  rw: CounterTuple,
  ro: CounterTuple | null,
  countersSinceMs?: number,
];

type CounterTuple = [number, number, number, number, number, number];

function tupleOf(counters: KindCountersBody): CounterTuple {
  const failures = counters.authFailures;
  return [
    counters.attempts,
    counters.established,
    failures.invalidToken,
    failures.notAuthorized,
    failures.throttled,
    failures.other,
  ];
}

function countersOf(tuple: CounterTuple | null): KindCounters {
  if (!tuple) return ZERO_KIND_COUNTERS;
  const [attempts, established, invalidToken, notAuthorized, throttled, other] = tuple;
  return { attempts, established, authFailures: { invalidToken, notAuthorized, throttled, other } };
}

export function snapshotOf(body: HeartbeatBody): CounterSnapshot {
  return {
    bootId: body.bootId,
    seq: body.seq,
    sentAtMs: Date.parse(body.sentAt),
    ...(body.countersSince === undefined ? {} : { countersSinceMs: Date.parse(body.countersSince) }),
    rw: body.counters.rw,
    ro: body.counters.ro ?? ZERO_KIND_COUNTERS,
  };
}

export function encodeRecord(
  nodeId: string,
  receivedAtMs: number,
  snapshot: CounterSnapshot,
  body: HeartbeatBody,
  routes: NodeRoutes,
): HeartbeatRecord {
  const record: HeartbeatRecord = [
    nodeId,
    receivedAtMs,
    snapshot.bootId,
    snapshot.seq,
    snapshot.sentAtMs,
    body.intervalMs,
    routes.rw?.databaseId ?? null,
    routes.rw?.isIam ? 1 : 0,
    routes.ro?.databaseId ?? null,
    routes.ro?.isIam ? 1 : 0,
    tupleOf(body.counters.rw),
    body.counters.ro ? tupleOf(body.counters.ro) : null,
  ];
  if (snapshot.countersSinceMs !== undefined) record.push(snapshot.countersSinceMs);
  return record;
}

export function decodeRecord(record: HeartbeatRecord): {
  nodeId: string;
  receivedAtMs: number;
  snapshot: CounterSnapshot;
  routes: NodeRoutes;
} {
  const [
    nodeId,
    receivedAtMs,
    bootId,
    seq,
    sentAtMs,
    intervalMs,
    rwDatabaseId,
    rwIsIam,
    roDatabaseId,
    roIsIam,
    rw,
    ro,
    countersSinceMs,
  ] = record;
  return {
    nodeId,
    receivedAtMs,
    snapshot: {
      bootId,
      seq,
      sentAtMs,
      ...(typeof countersSinceMs === 'number' ? { countersSinceMs } : {}),
      rw: countersOf(rw),
      ro: countersOf(ro),
    },
    routes: {
      ...(rwDatabaseId ? { rw: { databaseId: rwDatabaseId, isIam: rwIsIam === 1 } } : {}),
      ...(roDatabaseId ? { ro: { databaseId: roDatabaseId, isIam: roIsIam === 1 } } : {}),
      heartbeatIntervalMs: intervalMs,
    },
  };
}

export function isHeartbeatRecord(value: unknown): value is HeartbeatRecord {
  return (
    Array.isArray(value) &&
    (value.length === 12 || value.length === 13) &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'number' &&
    Array.isArray(value[10])
  );
}
