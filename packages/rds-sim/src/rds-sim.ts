import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { startEmbeddedPg } from '@iamroll/embedded-pg';
import pg from 'pg';
import { SimCounters, type RdsSimCounters } from './metrics/counters';
import { startMetricsServer } from './metrics/metrics-http';
import { resolveOptions, type RdsSimOptions, type ResolvedOptions } from './options';
import { CancelKeys } from './session/cancel-keys';
import type { SessionContext } from './session/context';
import { IamAuthenticator } from './session/iam-authenticator';
import { serveClient } from './session/serve-client';
import { clientAddressOf } from './session/streams';
import type { SimCredential } from './sigv4/verify-rds-token';
import { createTlsMaterial } from './tls/certificates';
import { assertIamTrustRule, installIamTrustRule } from './upstream/iam-trust-rule';
import { createLoginCheck } from './upstream/login-check';
import { createMembershipLookup } from './upstream/membership';
import { registerSimInstance, simResourceId } from './rds-api/instance-directory';
import { prepareUpstream, type PasswordUser, type UpstreamAdmin } from './upstream/prepare-upstream';

export interface RdsSim {
  /** Where clients connect (TCP). */
  readonly host: string;
  readonly port: number;
  /** What tokens are signed for (the simulated instance endpoint) and what TLS clients verify. */
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly region: string;
  /** The simulated DBInstanceIdentifier: the endpoint's first label. */
  readonly instanceId: string;
  /** PEM file of the simulator's CA (sslrootcert). */
  readonly caFile: string;
  readonly caPem: string;
  /** The first IAM user; all of them are in `iamUsers`. */
  readonly iamUser: string;
  readonly iamUsers: readonly string[];
  readonly passwordUsers: readonly PasswordUser[];
  readonly database: string;
  /** Access keys accepted by this instance (simulator-only secrets). */
  readonly credentials: readonly SimCredential[];
  /** The real PostgreSQL behind the simulator, as its superuser. Contains a password: never log it. */
  readonly upstream: UpstreamAdmin;
  /** `http://127.0.0.1:<port>/metrics` (add `?format=cloudwatch` for GetMetricData's shape). */
  readonly metricsUrl: string;
  /**
   * `http://127.0.0.1:<port>`: RDS's Query API (DescribeDBInstances) for every simulator instance of
   * this process (one simulated account): point AWS_ENDPOINT_URL_RDS (or the RDS client's endpoint) here.
   */
  readonly rdsApiUrl: string;
  /** DescribeDBInstances' DbiResourceId (`db-…`), stable for an endpoint name. */
  readonly dbiResourceId: string;
  /** DescribeDBInstances' IAMDatabaseAuthenticationEnabled (default true). */
  readonly isIamDatabaseAuthenticationEnabled: boolean;
  /** Turns IAM database authentication on or off as DescribeDBInstances reports it (as `modify-db-instance` would). */
  setIamDatabaseAuthenticationEnabled(isEnabled: boolean): void;
  readonly authRatePerSecond: number;
  readonly sessionMode: 'relay' | 'answer';
  counters(): RdsSimCounters;
  /** Changes the IAM authentication budget at once (a demo lowers it to force throttling). */
  setAuthRatePerSecond(ratePerSecond: number): void;
  /** Closes client sessions, the listener, the metrics endpoint and an embedded upstream. Idempotent. */
  close(): Promise<void>;
}

/** Upstream max_connections: room for a 1,000-connection storm plus the sim's own pool. */
const EMBEDDED_MAX_CONNECTIONS = 1_300;

/**
 * Starts one simulated RDS PostgreSQL instance with IAM authentication.
 * Several can run in one process: each has its own endpoint, budget,
 * counters and cancel keys.
 */
export async function startRdsSim(options: RdsSimOptions = {}): Promise<RdsSim> {
  const o = resolveOptions(options);
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const scratch = await needsScratchDir(o, closers);
    const upstream = await openUpstream(o, scratch, closers);
    const iamUser = o.iamUsers[0] ?? 'kong_iam';
    await prepareUpstream(upstream.admin, {
      iamUsers: o.iamUsers,
      passwordUsers: o.passwordUsers,
      database: o.database,
    });
    if (upstream.dataDir) await installIamTrustRule(upstream.dataDir, upstream.admin);
    await assertIamTrustRule(upstream.admin, iamUser, o.database);

    const pool = new pg.Pool({ ...upstream.admin, database: 'postgres', max: 4 });
    pool.on('error', () => undefined); // an idle admin connection dropping is not fatal
    closers.push(() => pool.end());

    const tls = await createTlsMaterial([
      o.endpointHost,
      'localhost',
      '127.0.0.1',
      ...(o.host === '0.0.0.0' ? [] : [o.host]),
    ]);
    const caFile = o.caFile ?? join(scratch ?? tmpdir(), 'ca.pem');
    await writeFile(caFile, tls.caPem, { mode: 0o644 });

    const counters = new SimCounters(o.endpointHost.split('.')[0] ?? 'sim', o.clock);
    const sockets = new Set<Socket>();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => resolve());
    });
    closers.push(() => {
      server.close();
      for (const socket of sockets) socket.destroy();
      return Promise.resolve();
    });
    const port = (server.address() as AddressInfo).port;
    const endpointPort = o.endpointPort ?? port;

    const authenticator = new IamAuthenticator({
      endpointHost: o.endpointHost,
      endpointPort,
      region: o.region,
      credentials: o.credentials,
      authRatePerSecond: o.authRatePerSecond,
      nowMs: o.clock,
      counters,
      log: o.onLog,
    });
    let isIamEnabled = o.iamDatabaseAuthenticationEnabled;
    const ctx: SessionContext = {
      secureContext: createSecureContext({
        key: tls.privateKeyPem,
        cert: tls.certificatePem,
        minVersion: 'TLSv1.2',
        maxVersion: o.maxTlsVersion,
      }),
      upstream: { host: upstream.admin.host, port: upstream.admin.port },
      counters,
      cancelKeys: new CancelKeys(),
      sessionMode: o.sessionMode,
      relayedApplications: new Set(o.relayedApplications),
      passwordOf: (user) => o.passwordUsers.find((p) => p.user === user)?.password,
      checkLogin: createLoginCheck(pool),
      isIamDatabaseAuthenticationEnabled: () => isIamEnabled,
      isIamUser: createMembershipLookup(pool),
      authenticateIam: (attempt) => authenticator.authenticate(attempt),
      iamLoginCompleted: () => authenticator.completed(),
      iamLoginBroken: (login, reason) => authenticator.broken(login, reason),
    };

    // Attached in the same tick as `listen` resolved, so no connection can come before it.
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      counters.connectionOpened(clientAddressOf(socket));
      socket.once('close', () => {
        sockets.delete(socket);
        counters.connectionClosed();
      });
      void serveClient(socket, ctx);
    });

    const metrics = await startMetricsServer(o.metricsPort, () => counters.snapshot());
    closers.push(() => metrics.close());
    const dbiResourceId = simResourceId(o.endpointHost);
    const unregister = registerSimInstance({
      identifier: counters.instanceId,
      region: o.region,
      endpointHost: o.endpointHost,
      endpointPort,
      dbiResourceId,
      isIamDatabaseAuthenticationEnabled: () => isIamEnabled,
    });
    closers.push(() => Promise.resolve(unregister()));

    let closing: Promise<void> | undefined;
    return {
      host: o.host,
      port,
      endpointHost: o.endpointHost,
      endpointPort,
      region: o.region,
      instanceId: counters.instanceId,
      caFile,
      caPem: tls.caPem,
      iamUser,
      iamUsers: o.iamUsers,
      passwordUsers: o.passwordUsers,
      database: o.database,
      credentials: o.credentials,
      sessionMode: o.sessionMode,
      upstream: upstream.admin,
      metricsUrl: metrics.url,
      rdsApiUrl: metrics.rdsApiUrl,
      dbiResourceId,
      get isIamDatabaseAuthenticationEnabled() {
        return isIamEnabled;
      },
      setIamDatabaseAuthenticationEnabled: (isEnabled) => {
        isIamEnabled = isEnabled;
      },
      get authRatePerSecond() {
        return authenticator.ratePerSecond;
      },
      counters: () => counters.snapshot(),
      setAuthRatePerSecond: (ratePerSecond) => authenticator.setRatePerSecond(ratePerSecond),
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** A temporary directory for the CA file and/or an embedded cluster, removed on close. */
async function needsScratchDir(
  o: ResolvedOptions,
  closers: Array<() => Promise<unknown>>,
): Promise<string | undefined> {
  const needsOne = o.caFile === undefined || (o.upstream === undefined && o.dataDir === undefined);
  if (!needsOne) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'iamroll-rds-sim-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must enter it
  closers.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function openUpstream(
  o: ResolvedOptions,
  scratch: string | undefined,
  closers: Array<() => Promise<unknown>>,
): Promise<{ admin: UpstreamAdmin; dataDir?: string }> {
  if (o.upstream) return { admin: o.upstream };
  const isPersistent = o.dataDir !== undefined;
  const embedded = await startEmbeddedPg({
    dataDir: o.dataDir ?? join(scratch ?? tmpdir(), 'pg'),
    isPersistent,
    // A throwaway cluster needs no fsync; a kept one does.
    isDurable: isPersistent,
    maxConnections: EMBEDDED_MAX_CONNECTIONS,
  });
  closers.push(() => embedded.stop());
  return {
    admin: { host: embedded.host, port: embedded.port, user: embedded.user, password: embedded.password },
    dataDir: embedded.dataDir,
  };
}
