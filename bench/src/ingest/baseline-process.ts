import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild, track } from './children';

export interface BaselineProcess {
  readonly origin: string;
  readonly pid: number;
  close(): Promise<void>;
}

/** Starts the bare Fastify server in its own process (inherits tsx's loader through execArgv). */
export async function startBaselineProcess(): Promise<BaselineProcess> {
  const child = track(
    fork(fileURLToPath(new URL('./baseline-server.ts', import.meta.url)), [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the baseline server exited (${code ?? 'signal'}) before it listened`)),
    );
    child.once('message', (message: { port: number }) => resolve(message.port));
  });
  return { origin: `http://127.0.0.1:${port}`, pid: child.pid ?? 0, close: () => stopChild(child) };
}
