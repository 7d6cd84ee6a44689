import { connect } from 'node:net';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRdsSim, type RdsSim } from './rds-sim';
import { clientConfig, connectIam, loginError, signToken } from './test-support/iam-client';

describe('sessions through a simulated RDS instance: TLS, relay, password users, cancel', () => {
  let sim: RdsSim;

  beforeAll(async () => {
    sim = await startRdsSim({ passwordUsers: [{ user: 'kong', password: 'kong-password' }] });
  }, 60_000);

  afterAll(async () => {
    await sim?.close();
  });

  it('relays the extended protocol: a named prepared statement run twice', async () => {
    const client = await connectIam(sim);
    const statement = { name: 'add_one', text: 'SELECT $1::int + 1 AS n' };
    const first = await client.query<{ n: number }>({ ...statement, values: [41] });
    const second = await client.query<{ n: number }>({ ...statement, values: [99] });
    await client.end();
    expect([first.rows[0]?.n, second.rows[0]?.n]).toEqual([42, 100]);
  });

  it('relays COPY FROM STDIN and COPY TO STDOUT', async () => {
    const client = await connectIam(sim);
    await client.query('CREATE TEMP TABLE copied (id int, name text)');
    await pipeline(Readable.from(['1\tone\n2\ttwo\n']), client.query(copyFrom('COPY copied FROM STDIN')));
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo('COPY copied TO STDOUT'))) chunks.push(chunk as Buffer);
    await client.end();
    expect(Buffer.concat(chunks).toString()).toBe('1\tone\n2\ttwo\n');
  });

  it('relays a password user through upstream SCRAM authentication', async () => {
    const client = new pg.Client(clientConfig(sim, { user: 'kong', password: 'kong-password' }));
    await client.connect();
    const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
    await client.end();
    expect(rows[0]?.user).toBe('kong');
  });

  it("passes upstream's own refusal of a wrong password through unchanged", async () => {
    const error = await loginError(clientConfig(sim, { user: 'kong', password: 'wrong' }));
    expect(error).toMatchObject({ code: '28P01', message: 'password authentication failed for user "kong"' });
  });

  it('lets the IAM user use tables the password user owns (it is granted the owner role)', async () => {
    const owner = new pg.Client(clientConfig(sim, { user: 'kong', password: 'kong-password' }));
    await owner.connect();
    await owner.query('CREATE TABLE IF NOT EXISTS services (name text)');
    await owner.end();
    const client = await connectIam(sim);
    await client.query("INSERT INTO services VALUES ('example')");
    await client.end();
  });

  it('refuses a connection without TLS like rds.force_ssl does', async () => {
    const config = { ...clientConfig(sim, { password: 'unused' }), ssl: false };
    expect(await loginError(config)).toMatchObject({
      code: '28000',
      message: 'no pg_hba.conf entry for host "127.0.0.1", user "kong_iam", database "kong", no encryption',
    });
  });

  it('refuses TLS 1.3 by default', async () => {
    const base = clientConfig(sim, { password: await signToken(sim) });
    const error = await loginError({
      ...base,
      ssl: { ca: sim.caPem, servername: sim.endpointHost, minVersion: 'TLSv1.3' },
    });
    expect(error.message).toMatch(/protocol version|unsupported protocol/i);
  });

  it("refuses a client that does not trust the simulator's CA", async () => {
    const base = clientConfig(sim, { password: await signToken(sim) });
    const error = await loginError({ ...base, ssl: { servername: sim.endpointHost } });
    expect(error.message).toMatch(/self[- ]signed|unable to (get|verify)/i);
  });

  it('answers GSSENCRequest with N, then still negotiates TLS', async () => {
    const socket = connect(sim.port, sim.host);
    await once(socket, 'connect');
    const request = (code: number): Buffer =>
      Buffer.from([0, 0, 0, 8, code >>> 24, (code >>> 16) & 0xff, (code >>> 8) & 0xff, code & 0xff]);
    socket.write(request(80877104));
    const [gss] = (await once(socket, 'data')) as [Buffer];
    socket.write(serialize.requestSsl());
    const [ssl] = (await once(socket, 'data')) as [Buffer];
    socket.destroy();
    expect([gss.toString(), ssl.toString()]).toEqual(['N', 'S']);
  });

  it('relays a CancelRequest (keyed by the simulator-issued BackendKeyData) to the upstream backend', async () => {
    const client = await connectIam(sim);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const issued = client as unknown as { processID: number; secretKey: number };
    expect(issued.processID).not.toBe(rows[0]?.pid);
    const outcome = client.query('SELECT pg_sleep(30)').then(
      () => undefined,
      (error: unknown) => error,
    );
    // A cancel that arrives before the query starts cancels nothing: wait until upstream runs it.
    const admin = new pg.Client({ ...sim.upstream, database: 'postgres' });
    await admin.connect();
    await vi.waitFor(async () => {
      const running = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'",
      );
      expect(running.rowCount).toBe(1);
    });
    await admin.end();
    // Plaintext, as libpq's PQcancel and node-postgres send it.
    const socket = connect(sim.port, sim.host);
    await once(socket, 'connect');
    socket.end(serialize.cancel(issued.processID, issued.secretKey));
    expect(await outcome).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    await client.end();
  });
});
