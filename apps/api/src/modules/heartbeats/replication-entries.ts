import {
  CONNECTION_KINDS,
  type AuthFailureCounts,
  type ConnectionKind,
  type CounterSnapshot,
  type DatabaseIncrements,
  type DatabaseSecondIncrement,
  type KindCounters,
} from '@iamroll/core/rates';

// What API processes send each other (fleet-aggregates.ts builds it, fleet-replication.ts carries it):
// JSON arrays, one entry per database or node, each small enough for one NOTIFY payload.
//
//   [0, databaseId, lastThrottledAtMs | 0, [[second, attempts, iamAttempts, throttled], …]]
//   [1, nodeId, seenMs, intervalMs, snapshot | 0, spreads | 0, events | 0]
//     snapshot [bootId, seq, sentAtMs, countersSinceMs | 0, rw, ro], counters as
//              [attempts, established, invalidToken, notAuthorized, throttled, other]
//     spreads  [[kind (0 rw, 1 ro), fromMs, toMs, attempts, established], …]
//     events   [[atMs, invalidToken, notAuthorized, other, throttled], …]

/** A node's heartbeats another process accepted since its last flush, as this process applies them. */
export interface PeerNodeEntry {
  readonly nodeId: string;
  /** The newest of them (the controller's clock). */
  readonly seenMs: number;
  readonly intervalMs: number;
  /** The newest snapshot whose counts moved (or a new boot): what the node's next delta is diffed against. */
  readonly snapshot: CounterSnapshot | undefined;
  readonly spreads: readonly NodeSpread[];
  readonly events: readonly NodeEvent[];
}

/** Attempts (and establishments) of one kind a heartbeat added over [fromMs, toMs). */
export interface NodeSpread {
  readonly kind: ConnectionKind;
  readonly fromMs: number;
  readonly toMs: number;
  readonly attempts: number;
  readonly established: number;
}

/** Authentication failures one heartbeat reported at `atMs` (both kinds). */
export interface NodeEvent {
  readonly atMs: number;
  readonly failures: AuthFailureCounts;
}

type CounterTuple = [number, number, number, number, number, number];

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isCounts = (value: unknown, length: number): value is number[] =>
  Array.isArray(value) && value.length === length && value.every(isNumber);

function tupleOf(counters: KindCounters): CounterTuple {
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

function countersOf(tuple: number[]): KindCounters {
  const [attempts = 0, established = 0, invalidToken = 0, notAuthorized = 0, throttled = 0, other = 0] = tuple;
  return { attempts, established, authFailures: { invalidToken, notAuthorized, throttled, other } };
}

export function encodeDatabaseEntry(increments: DatabaseIncrements): string {
  const seconds = increments.seconds.map((s) => [s.second, s.attempts, s.iamAttempts, s.throttled]);
  return JSON.stringify([0, increments.databaseId, increments.lastThrottledAtMs ?? 0, seconds]);
}

export function encodeNodeEntry(entry: PeerNodeEntry): string {
  const { snapshot } = entry;
  return JSON.stringify([
    1,
    entry.nodeId,
    entry.seenMs,
    entry.intervalMs,
    snapshot
      ? [
          snapshot.bootId,
          snapshot.seq,
          snapshot.sentAtMs,
          snapshot.countersSinceMs ?? 0,
          tupleOf(snapshot.rw),
          tupleOf(snapshot.ro),
        ]
      : 0,
    entry.spreads.length > 0
      ? entry.spreads.map((s) => [s.kind === 'rw' ? 0 : 1, s.fromMs, s.toMs, s.attempts, s.established])
      : 0,
    entry.events.length > 0
      ? entry.events.map(({ atMs, failures: f }) => [atMs, f.invalidToken, f.notAuthorized, f.other, f.throttled])
      : 0,
  ]);
}

function decodeDatabase(entry: unknown[]): DatabaseIncrements | undefined {
  const [, databaseId, lastThrottledAtMs, seconds] = entry;
  if (typeof databaseId !== 'string' || !isNumber(lastThrottledAtMs) || !Array.isArray(seconds)) return undefined;
  const decoded: DatabaseSecondIncrement[] = [];
  for (const second of seconds as unknown[]) {
    if (!isCounts(second, 4)) return undefined;
    const [at = 0, attempts = 0, iamAttempts = 0, throttled = 0] = second;
    decoded.push({ second: at, attempts, iamAttempts, throttled });
  }
  return { databaseId, seconds: decoded, ...(lastThrottledAtMs > 0 ? { lastThrottledAtMs } : {}) };
}

function decodeSnapshot(value: unknown): CounterSnapshot | undefined | null {
  if (value === 0) return undefined;
  if (!Array.isArray(value) || value.length !== 6) return null;
  const [bootId, seq, sentAtMs, countersSinceMs, rw, ro] = value as unknown[];
  if (typeof bootId !== 'string' || !isNumber(seq) || !isNumber(sentAtMs) || !isNumber(countersSinceMs)) return null;
  if (!isCounts(rw, 6) || !isCounts(ro, 6)) return null;
  return {
    bootId,
    seq,
    sentAtMs,
    ...(countersSinceMs > 0 ? { countersSinceMs } : {}),
    rw: countersOf(rw),
    ro: countersOf(ro),
  };
}

function decodeNode(entry: unknown[]): PeerNodeEntry | undefined {
  const [, nodeId, seenMs, intervalMs, rawSnapshot, rawSpreads, rawEvents] = entry;
  if (typeof nodeId !== 'string' || !isNumber(seenMs) || !isNumber(intervalMs)) return undefined;
  const snapshot = decodeSnapshot(rawSnapshot);
  if (snapshot === null) return undefined;
  const spreads: NodeSpread[] = [];
  if (rawSpreads !== 0) {
    if (!Array.isArray(rawSpreads)) return undefined;
    for (const spread of rawSpreads as unknown[]) {
      if (!isCounts(spread, 5)) return undefined;
      const [kind = 0, fromMs = 0, toMs = 0, attempts = 0, established = 0] = spread;
      spreads.push({ kind: CONNECTION_KINDS[kind === 1 ? 1 : 0], fromMs, toMs, attempts, established });
    }
  }
  const events: NodeEvent[] = [];
  if (rawEvents !== 0) {
    if (!Array.isArray(rawEvents)) return undefined;
    for (const event of rawEvents as unknown[]) {
      if (!isCounts(event, 5)) return undefined;
      const [atMs = 0, invalidToken = 0, notAuthorized = 0, other = 0, throttled = 0] = event;
      events.push({ atMs, failures: { invalidToken, notAuthorized, other, throttled } });
    }
  }
  return { nodeId, seenMs, intervalMs, snapshot, spreads, events };
}

/** The entries of one notification; malformed ones are counted, never applied. */
export function decodeEntries(entries: readonly unknown[]): {
  databases: DatabaseIncrements[];
  nodes: PeerNodeEntry[];
  malformed: number;
} {
  const databases: DatabaseIncrements[] = [];
  const nodes: PeerNodeEntry[] = [];
  let malformed = 0;
  for (const entry of entries) {
    const decoded = !Array.isArray(entry)
      ? undefined
      : entry[0] === 0 && entry.length === 4
        ? decodeDatabase(entry)
        : entry[0] === 1 && entry.length === 7
          ? decodeNode(entry)
          : undefined;
    if (decoded === undefined) malformed += 1;
    else if ('databaseId' in decoded) databases.push(decoded);
    else nodes.push(decoded);
  }
  return { databases, nodes, malformed };
}
