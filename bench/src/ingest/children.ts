import type { ChildProcess } from 'node:child_process';

/**
 * The bench's child processes (the API, the baseline server). Each is asked to
 * stop with SIGTERM so it can close what it owns — the API stops its embedded
 * PostgreSQL, which a SIGKILL would orphan — and is killed only if it has not
 * exited within the grace period.
 */
const running = new Set<ChildProcess>();
/** The API finishes requests (up to 10 s) and then stops PostgreSQL (a checkpoint): give it time. */
const STOP_GRACE_MS = 45_000;

export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function stopChild(child: ChildProcess, graceMs = STOP_GRACE_MS): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(force);
}

/** Work to finish after the children stopped (temp dirs to delete), also on Ctrl+C. */
const afterStop = new Set<() => Promise<void>>();

/** Registers a cleanup to run after the children stopped; returns a function that unregisters it. */
export function onCleanup(task: () => Promise<void>): () => void {
  afterStop.add(task);
  return () => afterStop.delete(task);
}

let isInstalled = false;

/** On Ctrl+C or SIGTERM: stop every child, then exit. On any exit: at least SIGTERM them (exit handlers are synchronous). */
export function installChildCleanup(): void {
  if (isInstalled) return;
  isInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGTERM');
  });
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the bench's child processes…\n`);
    void Promise.allSettled([...running].map((child) => stopChild(child)))
      .then(() => Promise.allSettled([...afterStop].map((task) => task())))
      .then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
