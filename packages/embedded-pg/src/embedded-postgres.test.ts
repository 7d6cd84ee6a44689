import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPg, type EmbeddedPg } from './index';

describe('startEmbeddedPg', () => {
  let root: string;
  let server: EmbeddedPg;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'iamroll-epg-'));
    await chmod(root, 0o755); // as root the server runs as `postgres`, which must enter it
    server = await startEmbeddedPg({ dataDir: join(root, 'pg'), isPersistent: true, isDurable: false });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('serves SQL on loopback with the generated superuser password', async () => {
    const client = new pg.Client({ connectionString: server.connectionString() });
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    await client.end();
    expect(rows[0]?.server_version).toMatch(/^17\./);
  });

  it('refuses a wrong password', async () => {
    const client = new pg.Client({
      host: server.host,
      port: server.port,
      user: 'postgres',
      password: 'wrong',
      database: 'postgres',
    });
    await expect(client.connect()).rejects.toThrow(/password authentication failed/);
  });

  it('creates a missing database once and tolerates a second call', async () => {
    await server.ensureDatabase('iamroll_test');
    await server.ensureDatabase('iamroll_test');
    const client = new pg.Client({ connectionString: server.connectionString('iamroll_test') });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    await client.end();
    expect(rows[0]?.db).toBe('iamroll_test');
  });

  it('keeps a persistent cluster and its password across a restart', async () => {
    await server.stop();
    expect((await stat(join(root, 'pg', 'PG_VERSION'))).isFile()).toBe(true);
    server = await startEmbeddedPg({ dataDir: join(root, 'pg'), isDurable: false });
    const client = new pg.Client({ connectionString: server.connectionString('iamroll_test') });
    await client.connect();
    await client.end();
  }, 60_000);

  it('names the port in the error when it cannot start', async () => {
    await expect(
      startEmbeddedPg({ dataDir: join(root, 'pg2'), port: server.port, isPersistent: false, isDurable: false }),
    ).rejects.toThrow(new RegExp(`port ${server.port}`));
  }, 60_000);

  it('runs the server and the backends it forks later at the niceness asked for', async () => {
    const niced = await startEmbeddedPg({
      dataDir: join(root, 'pg-nice'),
      nice: 7,
      isPersistent: false,
      isDurable: false,
    });
    try {
      expect(getPriority(niced.pid)).toBe(7);
      const client = new pg.Client({ connectionString: niced.connectionString() });
      await client.connect();
      try {
        // Read while connected: the backend exits when its client leaves.
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        expect(rows[0]?.pid).not.toBe(niced.pid);
        expect(getPriority(rows[0]?.pid ?? 0)).toBe(7);
      } finally {
        await client.end();
      }
      // The default leaves it at this process's own priority.
      expect(getPriority(server.pid)).toBe(getPriority());
    } finally {
      await niced.stop();
    }
  }, 60_000);

  it('refuses a niceness outside 0-19 before starting anything', async () => {
    await expect(startEmbeddedPg({ dataDir: join(root, 'pg-bad'), nice: 20, isPersistent: false })).rejects.toThrow(
      /nice must be an integer from 0 to 19, got 20/,
    );
    await expect(stat(join(root, 'pg-bad'))).rejects.toThrow(/ENOENT/);
  });
});
