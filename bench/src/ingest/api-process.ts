import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasExited, onCleanup, stopChild, track } from './children';

/** `iamroll serve`, the production entry point, run from this checkout. */
const IAMROLL_BIN = fileURLToPath(new URL('../../../apps/cli/bin/iamroll.js', import.meta.url));
const START_TIMEOUT_MS = 120_000;
const READY_POLL_MS = 250;
/** After the API exits, how long its PostgreSQL may take to finish stopping (a shutdown checkpoint). */
const PG_STOP_WAIT_MS = 30_000;

export interface ApiProcess {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly origin: string;
  readonly pid: number;
  readonly adminPassword: string;
  readonly enrollmentToken: string;
  /** The last lines of the API's log (warn and above), indented, for an error message ('' when empty). */
  logTail(): Promise<string>;
  /** Stops the API (it stops its embedded PostgreSQL) and deletes the data. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilReady(origin: string, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('the API process exited before it was ready');
    const status = await fetch(`${origin}/api/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await sleep(READY_POLL_MS);
  }
  throw new Error(`the API was not ready within ${START_TIMEOUT_MS / 1000} s`);
}

/**
 * Starts the controller in its own process on a fresh embedded PostgreSQL
 * (durable, as in production) under a temp dir, on a free loopback port, and
 * waits for /api/ready. Secrets are generated per run and live only in the
 * child's environment and this process.
 */
export async function startApiProcess(
  options: {
    readonly dbPoolSize?: number | undefined;
    readonly cpuProfileDir?: string | undefined;
    /** Extra `node` options (`--api-node-option`). */
    readonly nodeOptions?: readonly string[];
    /** Another process's PostgreSQL (K processes share one): then no embedded one starts. */
    readonly databaseUrl?: string | undefined;
    /** The first admin's password when the database is shared (the first process set it). */
    readonly adminPassword?: string | undefined;
    readonly enrollmentToken?: string | undefined;
    /** More environment for the API (e.g. IAMROLL_ROLLOUT_RECONCILE_MS for the rollout bench). */
    readonly env?: Readonly<Record<string, string>> | undefined;
  } = {},
): Promise<ApiProcess> {
  const root = await mkdtemp(join(tmpdir(), 'iamroll-bench-ingest-'));
  await chmod(root, 0o755); // as root, PostgreSQL runs as `postgres`, which must enter it
  const logFile = join(root, 'api.log');
  const adminPassword = options.adminPassword ?? randomBytes(18).toString('base64url');
  const enrollmentToken = options.enrollmentToken ?? `bench-${randomBytes(24).toString('base64url')}`;
  // The profile is written when the API exits of its own accord (it does on SIGTERM).
  const nodeArgs = [
    ...(options.nodeOptions ?? []),
    ...(options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', resolve(options.cpuProfileDir)] : []),
  ];
  const child = track(
    spawn(process.execPath, [...nodeArgs, IAMROLL_BIN, 'serve', '--host', '127.0.0.1', '--port', '0'], {
      env: {
        ...process.env,
        DATABASE_URL: options.databaseUrl ?? '',
        IAMROLL_DATA_DIR: join(root, 'data'),
        IAMROLL_ADMIN_PASSWORD: adminPassword,
        IAMROLL_ENROLLMENT_TOKEN: enrollmentToken,
        IAMROLL_LOG_FILE: logFile,
        LOG_LEVEL: 'warn',
        ...(options.dbPoolSize ? { IAMROLL_DB_POOL_SIZE: String(options.dbPoolSize) } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 64_000) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  // PostgreSQL deletes postmaster.pid last when it stops: wait for that before deleting its files.
  const removeData = async () => {
    const pidFile = join(root, 'data', 'pg', 'postmaster.pid');
    for (
      let waitedMs = 0;
      waitedMs < PG_STOP_WAIT_MS &&
      (await access(pidFile).then(
        () => true,
        () => false,
      ));
      waitedMs += 250
    )
      await sleep(250);
    await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  const forget = onCleanup(removeData);
  const cleanUp = async () => {
    await stopChild(child);
    await removeData();
    forget();
  };
  try {
    // The banner names the URL: `Dashboard:  http://127.0.0.1:<port>/`.
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the API printed no URL in time')), START_TIMEOUT_MS);
      const onData = () => {
        const match = /Dashboard:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve(match[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the API process exited (${code ?? 'signal'}) before it listened`));
      });
    });
    await waitUntilReady(origin, () => !hasExited(child));
    const logTail = async () => {
      const lines = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).slice(-10);
      return lines.length > 0 ? `\nthe API's log ends with:\n  ${lines.join('\n  ')}` : '';
    };
    return { origin, pid: child.pid ?? 0, adminPassword, enrollmentToken, logTail, close: cleanUp };
  } catch (error) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await cleanUp();
    const tail = `${output}\n${log}`.trim().split('\n').slice(-15).join('\n  ');
    throw new Error(`${(error as Error).message}\n  ${tail}`);
  }
}
