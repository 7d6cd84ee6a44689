// Test helper (imported by *.test.ts only): scripted agents, HTTP clients that heartbeat
// and report the reply's desired stage as applied on their next beat.
import type { HeartbeatBody, HeartbeatReply } from '@iamroll/contracts';
import { counters, heartbeatBody } from '../modules/heartbeats/heartbeat-fixtures';

export const PRIMARY_HOST = 'kong-db.abc.us-east-1.rds.amazonaws.com';
export const REPLICA_HOST = 'kong-db-ro.abc.us-east-1.rds.amazonaws.com';

export interface ScriptedNode {
  readonly nodeId: string;
  readonly credential: string;
  /** `rw_iam_ro_password`: mixed (rw on IAM, ro on passwords), reported as its agent does (stage rw_iam). */
  stage: 'password' | 'ro_iam' | 'rw_iam' | 'rw_iam_ro_password';
  /** The stage before its first switch: what `restore: "original"` in a reply puts back. */
  original?: ScriptedNode['stage'];
  seq: number;
  /** Cumulative connection attempts on each connection (IAM logins once it is on IAM): raise it to make traffic. */
  attempts?: number;
  /** Every stage it applied, in order (what the test counts). */
  readonly applied: string[];
  /** The last `finalize` the reply carried: `remove-passwords` is applied (and reported) at once. */
  finalize?: 'remove-passwords' | 'finalized';
  /** Set: the next switch fails (the agent reverts it and reports `failed`); then it stays where it is. */
  failure?: { readonly reason: string; toStage?: 'password' | 'ro_iam' | 'rw_iam' };
  /** Set: the agent is slow: it keeps reporting where it is and applies nothing until cleared. */
  isHolding?: boolean;
}

/** POSTs one heartbeat; `send` is app.inject or fetch against a listening API. */
export type SendBeat = (nodeId: string, credential: string, body: HeartbeatBody) => Promise<HeartbeatReply | null>;

export function scriptedBody(node: ScriptedNode): HeartbeatBody {
  const base = heartbeatBody({ seq: node.seq, host: PRIMARY_HOST, sentAtMs: Date.now() });
  const rwIam = node.stage === 'rw_iam' || node.stage === 'rw_iam_ro_password';
  const roIam = node.stage === 'ro_iam' || node.stage === 'rw_iam';
  const stage = node.stage === 'rw_iam_ro_password' ? 'rw_iam' : node.stage;
  return {
    ...base,
    bootId: `boot-${node.nodeId.slice(0, 8)}`,
    config: {
      ...base.config,
      workers: 2,
      poolSize: 5,
      stage,
      rw: { ...base.config.rw!, iam: rwIam, user: rwIam ? 'kong_iam' : 'kong' },
      ro: { ...base.config.rw!, host: REPLICA_HOST, iam: roIam, user: roIam ? 'kong_iam' : 'kong' },
    },
    counters: { rw: counters(node.attempts ?? 0), ro: counters(node.attempts ?? 0) },
    transition: {
      ...(node.failure?.toStage
        ? { status: 'failed' as const, toStage: node.failure.toStage, reason: node.failure.reason }
        : { status: 'idle' as const, toStage: node.applied.length > 0 ? stage : null }),
      failedSwitches: node.failure?.toStage ? 1 : 0,
      completedSwitches: node.applied.length,
      isPasswordRemoved: node.finalize !== undefined,
      hasBackup: node.finalize !== 'finalized',
    },
  };
}

/** One beat per node: the stage a reply asks for is applied (and reported) on the next beat. */
export async function beatAll(nodes: readonly ScriptedNode[], send: SendBeat): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      node.seq += 1;
      const reply = await send(node.nodeId, node.credential, scriptedBody(node));
      if (reply?.finalize) node.finalize = reply.finalize;
      if (node.isHolding) return;
      if (reply?.restore === 'original') {
        // Its byte-identical backup back (only if it ever switched and is not there already).
        if (node.original !== undefined && node.stage !== node.original) {
          node.stage = node.original;
          node.applied.push(node.original);
        }
        return;
      }
      if (reply && node.failure && reply.desiredStage !== node.stage) {
        node.failure.toStage = reply.desiredStage;
        return;
      }
      if (reply && reply.desiredStage !== node.stage) {
        node.original ??= node.stage;
        node.stage = reply.desiredStage;
        node.applied.push(reply.desiredStage);
      }
    }),
  );
}

/** Beats every `intervalMs` until stopped (errors, e.g. a killed API, are retried next beat). */
export function runFleet(nodes: readonly ScriptedNode[], send: SendBeat, intervalMs = 100) {
  let isRunning = true;
  const done = (async () => {
    while (isRunning) {
      await beatAll(nodes, send).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      isRunning = false;
      await done;
    },
  };
}
