import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixedTokenProvider } from '../token/index';
import type { TokenProvider } from '../token/index';
import type { BudgetGate } from './budget-gate';
import { classifyConnectFailure } from './classify';
import { createIamPool, type IamPool, type IamPoolOptions } from './iam-pool';
import { makeTestCertificate, type TestCertificate } from './testing/certificates';
import { startScriptedPgServer, type LoginReply, type ScriptedServer } from './testing/scripted-pg-server';

const ENDPOINT = 'kong-db.abcdefghijkl.us-east-1.rds.amazonaws.com';
const TOKEN = `${ENDPOINT}:5432/?Action=connect&DBUser=kong&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef`;
const THROTTLED: LoginReply = {
  kind: 'error',
  code: '28P01',
  message: 'PAM authentication failed for user "kong"',
  detail: 'The IAM authentication failed because of too many competing requests',
};
const BAD_TOKEN: LoginReply = { kind: 'error', code: '28P01', message: 'PAM authentication failed for user "kong"' };

let certificate: TestCertificate;
let otherCa: TestCertificate;
let server: ScriptedServer | undefined;
let pool: IamPool | undefined;

beforeAll(() => {
  certificate = makeTestCertificate([ENDPOINT]);
  otherCa = makeTestCertificate([ENDPOINT]);
});

afterEach(async () => {
  await pool?.end();
  await server?.close();
  pool = undefined;
  server = undefined;
});

async function start(
  onLogin?: (password: string, index: number) => LoginReply,
  extra: Partial<Parameters<typeof startScriptedPgServer>[0]> = {},
) {
  server = await startScriptedPgServer({ ...certificate, ...(onLogin ? { onLogin } : {}), ...extra });
  return server;
}

function poolFor(s: ScriptedServer, options: Partial<IamPoolOptions> = {}): IamPool {
  pool = createIamPool({
    host: ENDPOINT,
    connectHost: '127.0.0.1',
    port: s.port,
    user: 'kong',
    database: 'kong',
    tokenProvider: createFixedTokenProvider(TOKEN),
    tls: { ca: certificate.cert },
    gate: null,
    retry: { baseDelayMs: 2, maxDelayMs: 4 },
    connectTimeoutMs: 5000,
    ...options,
  });
  return pool;
}

/** A gate the test opens by hand, one slot per `release()`. */
function manualGate(): BudgetGate & { release(): void; readonly waiting: number } {
  const waiters: (() => void)[] = [];
  return {
    acquire: (signal) =>
      new Promise<void>((resolve, reject) => {
        waiters.push(resolve);
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      }),
    release: () => waiters.shift()?.(),
    get waiting() {
      return waiters.length;
    },
  };
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(predicate()).toBe(true);
}

describe('createIamPool: authentication', () => {
  it('logs in with the token as the password over TLS', async () => {
    const s = await start();
    await poolFor(s).query('SELECT 1');
    expect(s.logins).toEqual([{ user: 'kong', database: 'kong', password: TOKEN, tlsProtocol: 'TLSv1.2' }]);
  });

  it('asks for a token once per new physical connection, not per checkout', async () => {
    const s = await start();
    const tokens: TokenProvider = createFixedTokenProvider(TOKEN);
    const p = poolFor(s, { tokenProvider: tokens });
    for (let i = 0; i < 3; i += 1) (await p.connect()).release();
    expect(tokens.counters.signed).toBe(1);
    expect(s.logins).toHaveLength(1);
  });

  it('signs for the endpoint name, not the TCP address', async () => {
    const s = await start();
    const targets: string[] = [];
    await poolFor(s, {
      tokenProvider: createFixedTokenProvider((t) => (targets.push(`${t.host}:${t.port}`), TOKEN)),
    }).query('SELECT 1');
    expect(targets).toEqual([`${ENDPOINT}:${s.port}`]);
  });

  it('counts attempts and established connections', async () => {
    const s = await start();
    const p = poolFor(s);
    await Promise.all([p.connect(), p.connect()]).then((clients) => clients.forEach((c) => c.release()));
    expect(p.iamCounters).toMatchObject({ attempts: 2, established: 2, throttled: 0 });
    expect(p.iamCounters.attemptsPerSecond.last1s).toBe(2);
  });
});

describe('createIamPool: TLS', () => {
  it('caps TLS at 1.2 by default even when the server offers 1.3', async () => {
    const s = await start(undefined, { maxTlsVersion: 'TLSv1.3' });
    await poolFor(s).query('SELECT 1');
    expect(s.logins[0]?.tlsProtocol).toBe('TLSv1.2');
  });

  it('uses TLS 1.3 when the bounds allow it', async () => {
    const s = await start(undefined, { maxTlsVersion: 'TLSv1.3' });
    await poolFor(s, { tls: { ca: certificate.cert, maxVersion: 'TLSv1.3' } }).query('SELECT 1');
    expect(s.logins[0]?.tlsProtocol).toBe('TLSv1.3');
  });

  it('refuses a server without TLS and sends no token', async () => {
    const s = await start(undefined, { isRefusingTls: true });
    const p = poolFor(s);
    await expect(p.connect()).rejects.toThrow(/does not support SSL/);
    expect(p.iamCounters.failures.tls).toBe(1);
    expect(s.logins).toHaveLength(0);
  });

  it('refuses a certificate from another CA (verify-full) and does not retry', async () => {
    const s = await start();
    const p = poolFor(s, { tls: { ca: otherCa.cert } });
    await expect(p.connect()).rejects.toThrow();
    expect(p.iamCounters).toMatchObject({ attempts: 1, retries: 0 });
    expect(p.iamCounters.failures.tls).toBe(1);
    expect(s.logins).toHaveLength(0);
  });

  it('refuses a certificate for another name (verify-full)', async () => {
    const s = await start();
    const p = poolFor(s, { host: 'other-db.abcdefghijkl.us-east-1.rds.amazonaws.com' });
    await expect(p.connect()).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(s.logins).toHaveLength(0);
  });

  it('accepts a certificate for another name in verify-ca mode', async () => {
    const s = await start();
    const p = poolFor(s, {
      host: 'other-db.abcdefghijkl.us-east-1.rds.amazonaws.com',
      tls: { ca: certificate.cert, mode: 'verify-ca' },
    });
    await expect(p.query('SELECT 1')).resolves.toBeDefined();
  });
});

describe('createIamPool: throttling and failures', () => {
  it('retries a throttled login with backoff until it succeeds', async () => {
    const s = await start((_password, index) => (index < 2 ? THROTTLED : { kind: 'accept' }));
    const p = poolFor(s);
    const client = await p.connect();
    client.release();
    expect(p.iamCounters).toMatchObject({ attempts: 3, established: 1, throttled: 2, retries: 2 });
  });

  it('gives up retrying at the connect deadline with the throttling error', async () => {
    const s = await start(() => THROTTLED);
    const p = poolFor(s, { connectTimeoutMs: 300, retry: { baseDelayMs: 40, maxDelayMs: 80 } });
    const error = await p.connect().catch((e: unknown) => e);
    expect(classifyConnectFailure(error)).toBe('throttled');
    expect((error as Error).message).toMatch(/PAM authentication failed/);
    expect(p.iamCounters.retries).toBeGreaterThanOrEqual(1);
    expect(p.iamCounters.attempts).toBe(p.iamCounters.retries + 1);
  });

  it('stops after maxRetries', async () => {
    const s = await start(() => THROTTLED);
    const p = poolFor(s, { retry: { baseDelayMs: 1, maxDelayMs: 1, maxRetries: 2 } });
    await expect(p.connect()).rejects.toThrow();
    expect(p.iamCounters).toMatchObject({ attempts: 3, retries: 2 });
  });

  it('never retries a bad token', async () => {
    const s = await start(() => BAD_TOKEN);
    const p = poolFor(s);
    await expect(p.connect()).rejects.toMatchObject({ code: '28P01' });
    expect(p.iamCounters).toMatchObject({ attempts: 1, retries: 0 });
    expect(p.iamCounters.failures.invalid_token).toBe(1);
  });

  it('emits throttled, retry and connectFailure events', async () => {
    const s = await start((_password, index) => (index < 1 ? THROTTLED : { kind: 'accept' }));
    const p = poolFor(s);
    const seen: string[] = [];
    p.on('throttled', () => seen.push('throttled'));
    p.on('connectFailure', ({ cause }) => seen.push(`failure:${cause}`));
    p.on('retry', ({ retry }) => seen.push(`retry:${retry}`));
    p.on('connect', () => seen.push('connect'));
    (await p.connect()).release();
    expect(seen).toEqual(['failure:throttled', 'throttled', 'retry:1', 'connect']);
  });

  it('keeps the token out of a failure that echoes it', async () => {
    const s = await start((password) => ({
      kind: 'error',
      code: '28P01',
      message: `PAM authentication failed for token ${password}`,
      detail: password,
    }));
    const p = poolFor(s);
    const error = (await p.connect().catch((e: unknown) => e)) as Error & { detail?: string };
    expect(`${error.message} ${error.stack} ${error.detail}`).not.toContain('X-Amz-Signature=0123456789abcdef');
    expect(error.message).toContain('PAM authentication failed');
  });

  it('rejects when the token provider fails, without opening a session', async () => {
    const s = await start();
    const failing: TokenProvider = {
      ...createFixedTokenProvider(TOKEN),
      getToken: () => Promise.reject(new Error('no credentials')),
    };
    const p = poolFor(s, { tokenProvider: failing });
    await expect(p.connect()).rejects.toThrow('no credentials');
    expect(s.logins).toHaveLength(0);
    expect(p.iamCounters.retries).toBe(0);
  });

  it('closes the socket of a connection that failed before logging in', async () => {
    const s = await start();
    const failing: TokenProvider = {
      ...createFixedTokenProvider(TOKEN),
      getToken: () => Promise.reject(new Error('no credentials')),
    };
    await expect(poolFor(s, { tokenProvider: failing }).connect()).rejects.toThrow();
    await until(() => s.openConnections === 0);
  });
});

describe('createIamPool: budget gate', () => {
  it('opens no TCP connection before the gate grants a slot', async () => {
    const s = await start();
    const gate = manualGate();
    const p = poolFor(s, { gate });
    const connecting = p.connect();
    await until(() => gate.waiting === 1);
    expect(s.tcpConnections).toBe(0);
    gate.release();
    (await connecting).release();
    expect(s.tcpConnections).toBe(1);
  });

  it('does not pass the gate again for an idle connection', async () => {
    const s = await start();
    const gate = manualGate();
    const p = poolFor(s, { gate });
    const first = p.connect();
    await until(() => gate.waiting === 1);
    gate.release();
    (await first).release();
    (await p.connect()).release();
    expect(gate.waiting).toBe(0);
  });

  it('counts a gate wait', async () => {
    const s = await start();
    const gate = manualGate();
    const p = poolFor(s, { gate });
    const connecting = p.connect();
    await until(() => gate.waiting === 1);
    await new Promise((r) => setTimeout(r, 10));
    gate.release();
    (await connecting).release();
    expect(p.iamCounters.gateWaits).toBe(1);
    expect(p.iamCounters.gateWaitMs).toBeGreaterThan(0);
  });

  it('fails at the connect deadline when the gate never opens, and connects nothing', async () => {
    const s = await start();
    const p = poolFor(s, { gate: manualGate(), connectTimeoutMs: 100 });
    await expect(p.connect()).rejects.toThrow(/timeout/);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.tcpConnections).toBe(0);
    expect(p.totalCount).toBe(0);
  });

  it('passes the gate again before retrying a throttled login', async () => {
    const s = await start((_password, index) => (index < 1 ? THROTTLED : { kind: 'accept' }));
    let acquired = 0;
    const p = poolFor(s, { gate: { acquire: () => ((acquired += 1), Promise.resolve()) } });
    (await p.connect()).release();
    expect(acquired).toBe(2);
  });
});

describe('createIamPool: pool behaviour', () => {
  it('keeps pg.Pool’s live counts', async () => {
    const s = await start();
    const p = poolFor(s);
    const client = await p.connect();
    expect([p.totalCount, p.idleCount]).toEqual([1, 0]);
    client.release();
    expect([p.totalCount, p.idleCount]).toEqual([1, 1]);
  });

  it('still serves callback-style connect', async () => {
    const s = await start();
    const p = poolFor(s);
    const error = await new Promise<Error | undefined>((resolve) =>
      p.connect((err, _client, done) => {
        done();
        resolve(err);
      }),
    );
    expect(error).toBeUndefined();
  });
});
