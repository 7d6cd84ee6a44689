import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Signer } from '@aws-sdk/rds-signer';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../test/capture-io';
import type { SimReady } from './sim';

const BIN = fileURLToPath(new URL('../../bin/iamroll.js', import.meta.url));

/** The first stdout line of the real `iamroll` binary (tsx loader and all). */
async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`iamroll sim exited (${String(code)}) before it was ready: ${stderr}`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  return line;
}

/** A running `iamroll sim --json` process with its data under `root`, and its ready line. */
interface SimProcess {
  readonly root: string;
  readonly child: ChildProcess;
  readonly ready: SimReady;
}

async function startSimProcess(): Promise<SimProcess> {
  const root = await mkdtemp(join(tmpdir(), 'iamroll-cli-sim-'));
  await chmod(root, 0o755); // as root the embedded PostgreSQL runs as `postgres` and must enter it
  const child = spawn(
    process.execPath,
    [BIN, 'sim', '--json', '--port', '0', '--rate', '50', '--data-dir', join(root, 'sim')],
    {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const ready = JSON.parse(await firstLine(child)) as SimReady;
  return { root, child, ready };
}

async function stopSimProcess({ root, child }: SimProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await rm(root, { recursive: true, force: true });
}

// Each test that changes the simulator (stopping it) starts its own, so the tests pass in any order.
describe('iamroll sim', () => {
  let shared: SimProcess;
  let root: string;
  let ready: SimReady;

  beforeAll(async () => {
    shared = await startSimProcess();
    ({ root, ready } = shared);
  }, 90_000);

  afterAll(async () => {
    if (shared) await stopSimProcess(shared);
  });

  it('prints one JSON line with the endpoint, CA file, credentials, metrics URL and a psql line', async () => {
    expect(ready).toMatchObject({
      event: 'ready',
      endpointHost: 'sim-1.abcdefghijkl.us-east-1.rds.amazonaws.com',
      region: 'us-east-1',
      iamUser: 'kong_iam',
      database: 'kong',
      authRatePerSecond: 50,
      caFile: join(root, 'sim', 'ca.pem'),
    });
    expect(ready.credentials.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(ready.psql).toBe(
      `PGPASSWORD=$(npx iamroll token --host ${ready.endpointHost} --port ${ready.endpointPort} --user kong_iam --region us-east-1) ` +
        `psql "host=127.0.0.1 port=${ready.port} user=kong_iam dbname=kong sslmode=verify-full sslrootcert=${ready.caFile}"`,
    );
    expect(await readFile(ready.caFile, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('accepts an IAM login signed with the printed credentials, verified against the printed CA file', async () => {
    const password = await new Signer({
      hostname: ready.endpointHost,
      port: ready.endpointPort,
      username: ready.iamUser,
      region: ready.region,
      credentials: ready.credentials,
    }).getAuthToken();
    const client = new pg.Client({
      host: ready.host,
      port: ready.port,
      user: ready.iamUser,
      database: ready.database,
      password,
      ssl: { ca: await readFile(ready.caFile, 'utf8'), servername: ready.endpointHost },
    });
    await client.connect();
    const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
    await client.end();
    expect(rows[0]?.user).toBe('kong_iam');
    const metrics = (await (await fetch(ready.metricsUrl)).json()) as { totals: Record<string, number> };
    expect(metrics.totals.IamDbAuthConnectionSuccess).toBe(1);
  });

  it('stops on SIGTERM and leaves no PostgreSQL running', async () => {
    const own = await startSimProcess();
    const { root, child } = own;
    try {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      // postmaster.pid exists exactly while the embedded server runs.
      await expect(stat(join(root, 'sim', 'pg', 'postmaster.pid'))).rejects.toThrow(/ENOENT/);
    } finally {
      await stopSimProcess(own);
    }
  }, 120_000);

  it('rejects a bad --rate before starting anything', async () => {
    const io = captureIo({ cwd: root });
    expect(await main(['sim', '--rate', 'fast'], io)).toBe(2);
    expect(io.err()).toMatch(/expected IAM authentications per second/);
  });
});
