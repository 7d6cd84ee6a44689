import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RdsSimCounters, SimCredential, UpstreamAdmin } from '@iamroll/rds-sim';
import { stopChild, track } from '../ingest/children';

/** What the fleet needs of a simulator in another process (`SimInstance` of the agent's fleet fits). */
export interface SimInfo {
  readonly host: string;
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly region: string;
  readonly caPem: string;
  readonly credentials: readonly SimCredential[];
  /** The embedded PostgreSQL behind it, as its superuser (a password: never print it). */
  readonly upstream: UpstreamAdmin;
}

export interface SimChildInit {
  readonly kind: 'init';
  /** The instance endpoint (each process would otherwise number its simulators from 1). */
  readonly endpointHost: string;
  readonly budget: number;
  readonly passwordUser: string;
  readonly password: string;
  /** The replica shares the primary's upstream and access keys. */
  readonly shared?: { readonly upstream: UpstreamAdmin; readonly credentials: readonly SimCredential[] };
}
export type SimToChild =
  | { readonly kind: 'counters'; readonly id: number }
  | { readonly kind: 'budget'; readonly perSecond: number }
  | { readonly kind: 'close' };
export type SimFromChild =
  | { readonly kind: 'ready'; readonly info: SimInfo }
  | { readonly kind: 'counters'; readonly id: number; readonly counters: RdsSimCounters };

export interface RemoteSim extends SimInfo {
  counters(): Promise<RdsSimCounters>;
  setAuthRatePerSecond(perSecond: number): void;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;

/** Starts one simulated RDS instance in a child process (tsx's loader comes with execArgv). */
export async function startRemoteSim(init: Omit<SimChildInit, 'kind'>): Promise<RemoteSim> {
  const child = track(
    fork(fileURLToPath(new URL('./sim-process.ts', import.meta.url)), [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  const pending = new Map<number, (counters: RdsSimCounters) => void>();
  let nextId = 0;
  const info = await new Promise<SimInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the simulator was not ready in time')), START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator process exited (${code ?? 'signal'}) before it was ready`));
    });
    child.on('message', (message: SimFromChild) => {
      if (message.kind === 'ready') {
        clearTimeout(timer);
        resolve(message.info);
      } else if (message.kind === 'counters') {
        pending.get(message.id)?.(message.counters);
        pending.delete(message.id);
      }
    });
    child.send({ kind: 'init', ...init } satisfies SimChildInit);
  }).catch(async (error: unknown) => {
    await stopChild(child, 5_000);
    throw error;
  });
  return {
    ...info,
    counters: () =>
      new Promise<RdsSimCounters>((resolve, reject) => {
        if (!child.connected) return reject(new Error('the simulator process is gone'));
        const id = (nextId += 1);
        pending.set(id, resolve);
        child.send({ kind: 'counters', id } satisfies SimToChild);
      }),
    setAuthRatePerSecond: (perSecond) => child.send({ kind: 'budget', perSecond } satisfies SimToChild),
    close: () => stopChild(child, 30_000),
  };
}
