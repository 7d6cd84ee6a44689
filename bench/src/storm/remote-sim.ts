import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What clients need of the simulator (its secrets are simulator-only keys). */
export interface SimInfo {
  readonly host: string;
  readonly port: number;
  readonly endpointHost: string;
  readonly region: string;
  readonly caPem: string;
  readonly iamUser: string;
  readonly database: string;
  readonly credentials: ReadonlyArray<{
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  }>;
}

export type ToChild = { readonly kind: 'throttled'; readonly id: number } | { readonly kind: 'close' };
export type ToParent =
  | { readonly kind: 'ready'; readonly info: SimInfo }
  | { readonly kind: 'throttled'; readonly id: number; readonly value: number };

export interface RemoteSim extends SimInfo {
  /** IamDbAuthConnectionFailureThrottling since the simulator started. */
  throttled(): Promise<number>;
  close(): Promise<void>;
}

/** Starts the simulator in a child process (inherits tsx's loader through execArgv). */
export async function startRemoteSim(authRatePerSecond: number): Promise<RemoteSim> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./sim-process.ts', import.meta.url)),
    [String(authRatePerSecond)],
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const info = await new Promise<SimInfo>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the simulator process exited (${code ?? 'signal'}) before it was ready`)),
    );
    child.on('message', (message: ToParent) => {
      if (message.kind === 'ready') resolve(message.info);
    });
  });
  let nextId = 0;
  return {
    ...info,
    throttled: () =>
      new Promise<number>((resolve) => {
        const id = (nextId += 1);
        const onMessage = (message: ToParent) => {
          if (message.kind === 'throttled' && message.id === id) {
            child.off('message', onMessage);
            resolve(message.value);
          }
        };
        child.on('message', onMessage);
        child.send({ kind: 'throttled', id } satisfies ToChild);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ kind: 'close' } satisfies ToChild);
      }),
  };
}
